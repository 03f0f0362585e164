# Nära server image. Build: docker build -t nara .   Run: see README (Production).
FROM node:20-bookworm-slim AS web
WORKDIR /src/web_client
COPY web_client/package.json web_client/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web_client/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    NARA_HOST=0.0.0.0 NARA_PORT=8080 NARA_DATA_DIR=/var/lib/nara
RUN useradd --system --home /var/lib/nara --create-home nara
WORKDIR /app
COPY pyproject.toml README.md ./
COPY server/ server/
COPY chat/ chat/
COPY signaling/ signaling/
COPY nlp/ nlp/
COPY web_client/__init__.py web_client/
COPY --from=web /src/web_client/dist/ web_client/dist/
RUN pip install --no-cache-dir .
USER nara
VOLUME /var/lib/nara
EXPOSE 8080
# Migrations are idempotent; run them before serving (several replicas: run once as a job).
CMD ["sh", "-c", "nara db upgrade && exec nara serve"]
