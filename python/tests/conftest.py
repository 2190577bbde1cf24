import base64
import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
SCENARIOS = ROOT / "tests" / "scenarios"


def body_from_spec(spec):
    """Decode a vector body: None, {"b64"}, {"hex"} or {"repeat": {"hex", "count"}}."""
    if spec is None:
        return None
    if "b64" in spec:
        return base64.b64decode(spec["b64"])
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "repeat" in spec:
        return bytes.fromhex(spec["repeat"]["hex"]) * spec["repeat"]["count"]
    raise ValueError(f"unknown body spec {spec}")


def load_cases(directory, key):
    out = []
    for path in sorted(directory.glob("*.json")):
        doc = json.loads(path.read_text())
        if key == "cases":
            for group in doc["groups"]:
                for case in group["cases"]:
                    out.append(pytest.param(group["operation"], case, id=f"{path.stem}/{case['id']}"))
        else:
            for sc in doc["scenarios"]:
                out.append(pytest.param(doc, sc, id=f"{path.stem}/{sc['id']}"))
    return out
