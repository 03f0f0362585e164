"""A demo organisation: a vårdcentral with teams of several professions, patients, a guardian
and a municipal nurse from another organisation. Used by ``nara demo`` and by the tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from chat.models import (
    CareContact,
    CareContactMember,
    CareUnit,
    Guardianship,
    Organisation,
    Patient,
    RoutingRule,
    StaffMember,
    Team,
    UnitMembership,
    User,
    UserKind,
    utcnow,
)
from chat.notifications.models import NotificationPreference
from chat.personnummer import birth_date, normalize, with_check_digit
from chat.storage import Database
from server.auth import hash_password

DEMO_PASSWORD = "nara-demo-2026"

TEAMS = {
    # key: (name, is_triage)
    "triage": ("Triagesjuksköterskor", True),
    "allman": ("Läkare och sjuksköterskor", False),
    "rehab": ("Rehabilitering", False),
    "psykisk_halsa": ("Psykisk hälsa", False),
    "bvc": ("Barnavårdscentral", False),
    "mvc": ("Barnmorskemottagning", False),
    "diabetes": ("Diabetesmottagning", False),
    "hjarta": ("Hjärt- och kärlmottagning", False),
}
ROUTING = {
    "lakemedel": "allman",
    "tidsbokning": "allman",
    "psykisk_halsa": "psykisk_halsa",
    "rehab": "rehab",
    "graviditet": "mvc",
    "barn": "bvc",
    "diabetes": "diabetes",
    "hjarta_karl": "hjarta",
    "hud": "allman",
    "provsvar": "allman",
    "infektion": "allman",
    "ovrigt": "triage",
    "triage": "triage",
}
# username: (name, profession, team keys, unit admin)
STAFF = {
    "sara": ("Sara Lind", "sjuksköterska", ["allman", "triage"], False),
    "lars": ("Lars Berg", "distriktsläkare", ["allman"], True),
    "ulla": ("Ulla Dahl", "undersköterska", ["allman"], False),
    "fia": ("Fia Holm", "fysioterapeut", ["rehab"], False),
    "kim": ("Kim Ek", "kurator", ["psykisk_halsa"], False),
    "bodil": ("Bodil Ström", "barnmorska", ["mvc", "bvc"], False),
    "dan": ("Dan Sjö", "diabetessjuksköterska", ["diabetes", "hjarta"], False),
}


@dataclass
class DemoIds:
    unit_id: uuid.UUID
    other_unit_id: uuid.UUID
    teams: dict[str, uuid.UUID] = field(default_factory=dict)
    users: dict[str, uuid.UUID] = field(default_factory=dict)
    patients: dict[str, uuid.UUID] = field(default_factory=dict)
    care_contacts: dict[str, uuid.UUID] = field(default_factory=dict)


def pnr(first_nine: str) -> str:
    return normalize(with_check_digit(first_nine))


async def load_demo(
    db: Database, password: str = DEMO_PASSWORD, *, password_hash: str | None = None
) -> DemoIds | None:
    """Create the demo organisation once; None when it is already there. ``password_hash``
    (of ``password``) lets the quick test run store a cheaper argon2 hash."""
    async with db.write() as store:
        if await store.directory.user_by_username("anna") is not None:
            return None
        hashed = password_hash or hash_password(password)
        region = Organisation(id=uuid.uuid4(), name="Region Kronoberg (demo)", kind="region")
        kommun = Organisation(id=uuid.uuid4(), name="Växjö kommun (demo)", kind="municipality")
        unit = CareUnit(
            id=uuid.uuid4(),
            organisation_id=region.id,
            name="Vårdcentralen Nära",
            kind="vardcentral",
        )
        other = CareUnit(
            id=uuid.uuid4(),
            organisation_id=region.id,
            name="Vårdcentralen Väster",
            kind="vardcentral",
        )
        home = CareUnit(
            id=uuid.uuid4(), organisation_id=kommun.id, name="Hemsjukvården", kind="hemsjukvard"
        )
        store.directory.add(region, kommun)
        await store.directory.flush()
        store.directory.add(unit, other, home)
        await store.directory.flush()
        ids = DemoIds(unit_id=unit.id, other_unit_id=other.id)
        for key, (name, triage) in TEAMS.items():
            team = Team(id=uuid.uuid4(), unit_id=unit.id, key=key, name=name, is_triage=triage)
            store.directory.add(team)
            ids.teams[key] = team.id
        west = Team(id=uuid.uuid4(), unit_id=other.id, key="allman", name="Väster allmän")
        store.directory.add(west)
        ids.teams["vaster"] = west.id
        await store.directory.flush()

        async def staff(username: str, name: str, profession: str, org: uuid.UUID) -> uuid.UUID:
            user = User(
                id=uuid.uuid4(),
                username=username,
                password_hash=hashed,
                display_name=name,
                kind=UserKind.STAFF,
            )
            store.directory.add(user)
            await store.directory.flush()
            store.directory.add(
                StaffMember(user_id=user.id, organisation_id=org, profession=profession)
            )
            ids.users[username] = user.id
            return user.id

        for username, (name, profession, team_keys, admin) in STAFF.items():
            uid = await staff(username, name, profession, region.id)
            await store.directory.flush()
            for key in team_keys:
                store.directory.add(
                    UnitMembership(
                        staff_id=uid, unit_id=unit.id, team_id=ids.teams[key], is_admin=admin
                    )
                )
        uid = await staff("olle", "Olle Väst", "distriktsläkare", region.id)
        await store.directory.flush()
        store.directory.add(
            UnitMembership(staff_id=uid, unit_id=other.id, team_id=west.id, is_admin=True)
        )
        uid = await staff("maja", "Maja Kommun", "kommunsjuksköterska", kommun.id)
        await store.directory.flush()
        store.directory.add(UnitMembership(staff_id=uid, unit_id=home.id, team_id=None))

        def patient(
            username: str | None, name: str, first_nine: str, unit_id: uuid.UUID
        ) -> Patient:
            user_id = None
            if username:
                user = User(
                    id=uuid.uuid4(),
                    username=username,
                    password_hash=hashed,
                    display_name=name,
                    kind=UserKind.PATIENT,
                )
                store.directory.add(user)
                ids.users[username] = user_id = user.id
            number = pnr(first_nine)
            p = Patient(
                id=uuid.uuid4(),
                personnummer=number,
                name=name,
                birth_date=birth_date(number),
                user_id=user_id,
                unit_id=unit_id,
            )
            ids.patients[username or name.split()[0].lower()] = p.id
            return p

        anna = patient("anna", "Anna Andersson", "19850312123", unit.id)
        bertil = patient("bertil", "Bertil Nilsson", "19410603234", unit.id)
        cecilia = patient("cecilia", "Cecilia Väst", "19900215345", other.id)
        child_year = date.today().year - 6
        elsa = patient(None, "Elsa Andersson", f"{child_year}0420238", unit.id)
        await store.directory.flush()  # users first: patients refer to them
        store.directory.add(anna, bertil, cecilia, elsa)
        await store.directory.flush()
        store.directory.add(Guardianship(guardian_user_id=ids.users["anna"], patient_id=elsa.id))
        for cat, key in ROUTING.items():
            store.directory.add(RoutingRule(unit_id=unit.id, category=cat, team_id=ids.teams[key]))
        store.directory.add(RoutingRule(unit_id=other.id, category="triage", team_id=west.id))
        for who, team_key, title in (
            ("anna", "allman", "Din fasta vårdkontakt på Vårdcentralen Nära"),
            ("bertil", "allman", "Din fasta vårdkontakt på Vårdcentralen Nära"),
            ("elsa", "bvc", "Elsas kontakt på barnavårdscentralen"),
        ):
            coordinator = ids.users["bodil" if team_key == "bvc" else "sara"]
            contact = CareContact(
                id=uuid.uuid4(),
                patient_id=ids.patients[who],
                team_id=ids.teams[team_key],
                coordinator_id=coordinator,
                title=title,
                how_to_reach="Skriv här i Nära när det passar dig.",
                when_to_reach="Vi läser meddelanden vardagar 08–17.",
                response_time_hours=48 if team_key == "allman" else 24,
                communication_terms="Sara samordnar. Läkare och sjuksköterskor i teamet "
                "läser och svarar. Vid akuta besvär: ring 112. Rådgivning: 1177.",
            )
            store.directory.add(contact)
            await store.directory.flush()
            store.directory.add(CareContactMember(care_contact_id=contact.id, staff_id=coordinator))
            ids.care_contacts[who] = contact.id
        # Anna is told of answers by e-mail (verified, no quiet hours): with NARA_SMTP_URL set,
        # an answer to her thread sends one e-mail.
        store.notifications.add(
            NotificationPreference(
                user_id=ids.users["anna"],
                email="anna@example.se",
                email_verified_at=utcnow(),
                email_enabled=True,
                sms_enabled=False,
                push_enabled=False,
            )
        )
        return ids


DEMO_LOGINS = [
    ("anna", "patient, vårdnadshavare för Elsa (6 år)"),
    ("bertil", "patient"),
    ("sara", "sjuksköterska, samordnare (team allmän + triage)"),
    ("lars", "distriktsläkare, enhetsadministratör"),
    ("fia", "fysioterapeut (rehab)"),
    ("maja", "kommunsjuksköterska, Växjö kommun"),
]


async def add_patients(db: Database, count: int, password: str = DEMO_PASSWORD) -> list[str]:
    """Extra demo patients (``patient1``…) with the allmän team as fixed care contact.

    For load tests and benchmarks; returns the usernames.
    """
    hashed = hash_password(password)
    names = []
    async with db.write() as store:
        unit = await store.directory.user_by_username("sara")
        team = None
        if unit is not None:
            actor = await store.directory.load_actor(unit.id, date.today())
            teams = await store.directory.teams(sorted(actor.unit_ids)) if actor else []
            team = next((t for t in teams if t.key == "allman"), None)
        if team is None:
            raise RuntimeError("load the demo organisation first")
        for i in range(1, count + 1):
            username = f"patient{i}"
            user = User(
                id=uuid.uuid4(),
                username=username,
                password_hash=hashed,
                display_name=f"Testpatient {i}",
                kind=UserKind.PATIENT,
            )
            store.directory.add(user)
            await store.directory.flush()
            number = pnr(f"1970{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}")
            patient = Patient(
                id=uuid.uuid4(),
                personnummer=number,
                name=user.display_name,
                birth_date=birth_date(number),
                user_id=user.id,
                unit_id=team.unit_id,
            )
            store.directory.add(patient)
            await store.directory.flush()
            store.directory.add(
                CareContact(
                    id=uuid.uuid4(),
                    patient_id=patient.id,
                    team_id=team.id,
                    title="Fast vårdkontakt",
                    response_time_hours=48,
                )
            )
            names.append(username)
    return names
