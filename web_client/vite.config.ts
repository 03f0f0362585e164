import { defineConfig } from "vite";

// The server (server/app.py) serves dist/index.html at "/" and dist/assets at "/assets".
// Its CSP allows only same-origin scripts and styles: no inline code may be emitted.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: "es2020",
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8090",
      "/socket.io": { target: "http://127.0.0.1:8090", ws: true },
    },
  },
});
