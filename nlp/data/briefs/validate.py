"""Check a writer's JSON Lines file against the labelling rules: python validate.py FILE."""
import json, sys
from pathlib import Path
CATS = {"lakemedel","tidsbokning","psykisk_halsa","rehab","graviditet","barn","diabetes","hjarta_karl","hud","provsvar","infektion","ovrigt"}
URG = {"akut","bradskande","snart","rutin"}
TT = {None,"past","other_person","hypothetical","resolved","denied","controlled","reading","mild"}
ids = set(); pres = set()
for line in open(Path(__file__).with_name("catalogue.md")):
    if line.startswith("| ") and not line.startswith("| id") :
        pres.add(line.split("|")[1].strip())
bad = 0
for n, line in enumerate(open(sys.argv[1]), 1):
    try:
        d = json.loads(line)
        assert set(d) >= {"id","text","category","urgency","lang","tricky","tricky_type","presentation","persona"}, "keys"
        assert d["id"] not in ids, "duplicate id"; ids.add(d["id"])
        assert d["category"] in CATS, "category"
        assert d["urgency"] in URG, "urgency"
        assert d["lang"] in ("sv", "en"), "lang"
        assert d["tricky_type"] in TT, "tricky_type"
        assert bool(d["tricky"]) == (d["tricky_type"] is not None), "tricky/tricky_type"
        assert d["presentation"] is None or d["presentation"] in pres, "presentation id " + str(d["presentation"])
        assert d["urgency"] != "akut" or d["presentation"], "akut needs presentation"
        assert not (d["tricky"] and d["urgency"] == "akut"), "tricky cannot be akut"
        assert d["text"].strip(), "text"
    except Exception as e:
        bad += 1; print(f"line {n}: {e}")
print("OK" if not bad else f"{bad} bad lines", len(ids), "messages")
