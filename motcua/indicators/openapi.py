"""The OpenAPI 3.1 description of the index API (`api.py`), as a Python dict.

`motcua openapi` writes it to docs/openapi.json and `motcua openapi --check` fails when that file differs,
so the committed document cannot drift from this one; a test runs the check. Parameter names, statuses
and the shape of the bodies must follow `api.py` and `compute.compute` / `compute.compute_extras`.
"""

from motcua.indicators.rules import INDICATOR_IDS, available_rulesets

_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def _parameter(name: str, description: str, schema: dict, required: bool = False, example=None) -> dict:
    found = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    if example is not None:
        found["example"] = example
    return found


PERIOD_PARAMETERS = [
    _parameter("from", "First day of the period (local date, Asia/Ho_Chi_Minh).", _DATE, True, "2025-09-22"),
    _parameter("to", "Last day of the period, not before `from`. The evaluation moment is the end of this day, "
                     "or now if that is earlier.", _DATE, True, "2025-09-28"),
    _parameter("unit", "Code of a unit (units.csv). Without it, or with the province's code, the province "
                       "comes first and every department and commune follows; an office may be asked for but is "
                       "never listed.", {"type": "string"}, example="19"),
]

_ERROR = {"$ref": "#/components/schemas/Error"}


def _responses(body: str, unit_error: bool = True, rate_limited: bool = False) -> dict:
    responses = {
        "200": {"description": "The numbers, current with the last committed change of the record.",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}},
        "400": {"description": "A parameter is missing, malformed, repeated, unknown, or `to` is before `from`. "
                               "The message, in Vietnamese, names the parameter.",
                "content": {"application/json": {"schema": _ERROR}}},
    }
    if unit_error:
        responses["404"] = {"description": "No unit has the code given in `unit`.",
                            "content": {"application/json": {"schema": _ERROR}}}
    responses["405"] = {"description": "Only GET (and HEAD) are allowed."}
    if rate_limited:
        responses["429"] = {
            "description": "More requests from this address than MOTCUA_API_RATE allows (default 120 a minute); "
                           "`Retry-After` gives the seconds to wait. The message is in Vietnamese.",
            "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
            "content": {"application/json": {"schema": _ERROR}}}
    return responses


SPEC = {
    "openapi": "3.1.0",
    "info": {
        "title": "motcua: Bộ chỉ số 766 (Decision 766 index) API",
        "version": "1.0.0",
        "summary": "The Decision 766/QĐ-TTg index of Thái Nguyên province and its units, live.",
        "description": (
            "Scores of the Decision 766 index (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ "
            "người dân, doanh nghiệp) for the province, its departments and communes, for any period. The "
            "body of `/index` is exactly the object printed by `motcua index --json` (docs/interchange.md), "
            "computed by the live engine: every dossier event is reflected in the next response.\n\n"
            "Access is public and read-only: responses hold only aggregate numbers per unit (numerators, "
            "denominators, rates, points), which the national public-service portal publishes for every "
            "province; never a dossier, a name or an identity number."),
        "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
    },
    "servers": [{"url": "/api/v1"}],
    "security": [],
    "paths": {
        "/index": {
            "get": {
                "operationId": "getIndex",
                "summary": "Scores of the 766 index for a period",
                "parameters": [
                    *PERIOD_PARAMETERS,
                    _parameter("rules", "Rule set (versioned file of indicator definitions).",
                               {"type": "string", "enum": available_rulesets(), "default": "qd766"}),
                ],
                "responses": _responses("IndexResult", rate_limited=True),
            },
        },
        "/index/extras": {
            "get": {
                "operationId": "getIndexExtras",
                "summary": "Figures reported without points",
                "description": "Average processing time per procedure and channel (working hours, pauses "
                               "deducted), the overdue share of dossiers under processing, and dossiers "
                               "received in the period but not synced to the national portal.",
                "parameters": PERIOD_PARAMETERS,
                "responses": _responses("Extras", rate_limited=True),
            },
        },
        "/fix-first": {
            "get": {
                "operationId": "getFixFirst",
                "summary": "What to fix first: the actions that would raise a unit's total most",
                "description": (
                    "The object printed by `motcua fix-first --json` (docs/fix-first.md): for one unit and "
                    "period, each action (a kind of change applied to the dossiers, procedures or feedback "
                    "items it lists, for one indicator) with its gain in points recomputed by the reference "
                    "engine, best first. Unlike the aggregates above, it names dossiers, so it needs a "
                    "back-office session: provincial monitors and administrators see every unit, a unit "
                    "leader his unit and the units below it (401 without a session, 403 otherwise)."),
                "security": [{"officeSession": []}],
                "parameters": [
                    _parameter("from", PERIOD_PARAMETERS[0]["description"], _DATE, True, "2025-10-13"),
                    _parameter("to", PERIOD_PARAMETERS[1]["description"], _DATE, True, "2025-10-19"),
                    _parameter("unit", "Code of a unit (units.csv); required.", {"type": "string"}, True, "05443"),
                    _parameter("rules", "Rule set (versioned file of indicator definitions).",
                               {"type": "string", "enum": available_rulesets(), "default": "qd766"}),
                ],
                "responses": {
                    **_responses("FixFirst"),
                    "401": {"description": "No back-office session.",
                            "content": {"application/json": {"schema": _ERROR}}},
                    "403": {"description": "The user is not a unit leader, monitor or administrator, or the unit "
                                           "is outside the leader's.",
                            "content": {"application/json": {"schema": _ERROR}}},
                },
            },
        },
    },
    "components": {
        "securitySchemes": {
            "officeSession": {"type": "apiKey", "in": "cookie", "name": "sessionid",
                              "description": "The back office's session, after signing in at /dang-nhap/."},
        },
        "schemas": {
            "IndexResult": {
                "type": "object",
                "required": ["rules", "from", "to", "evaluated_at", "units"],
                "additionalProperties": False,
                "properties": {
                    "rules": {"type": "object", "required": ["name", "version"], "additionalProperties": False,
                              "properties": {"name": {"type": "string"}, "version": {"type": "string"}}},
                    "from": _DATE,
                    "to": _DATE,
                    "evaluated_at": {"type": "string", "format": "date-time",
                                     "description": "The evaluation moment t in +07:00."},
                    "units": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/UnitScores"},
                              "description": "The unit asked for; for the province, every department and "
                                             "commune follows in units.csv order."},
                },
            },
            "UnitScores": {
                "type": "object",
                "required": ["code", "name", "total", "groups", "indicators"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "total": {"type": "number", "description": "Sum of unrounded points, rounded half up to 2 "
                                                               "decimals."},
                    "groups": {"type": "array", "minItems": 5, "maxItems": 5,
                               "items": {"$ref": "#/components/schemas/Group"}},
                    "indicators": {"type": "array", "minItems": len(INDICATOR_IDS), "maxItems": len(INDICATOR_IDS),
                                   "items": {"$ref": "#/components/schemas/Indicator"}},
                },
            },
            "Group": {
                "type": "object",
                "required": ["id", "points", "max"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "enum": ["I", "II", "III", "IV", "V"]},
                    "points": {"type": "number"},
                    "max": {"type": "number"},
                },
            },
            "Indicator": {
                "type": "object",
                "required": ["id", "numerator", "denominator", "rate", "points", "max"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "enum": list(INDICATOR_IDS)},
                    "numerator": {"type": "integer", "minimum": 0},
                    "denominator": {"type": "integer", "minimum": 0},
                    "rate": {"type": ["number", "null"], "minimum": 0,
                             "description": "Rounded half up to 4 decimals; null when the denominator is 0."},
                    "points": {"type": "number", "minimum": 0},
                    "max": {"type": "number", "minimum": 0},
                },
            },
            "Extras": {
                "type": "object",
                "required": ["unit", "from", "to", "evaluated_at", "processing_time", "overdue", "not_synced"],
                "additionalProperties": False,
                "properties": {
                    "unit": {"type": "string"},
                    "from": _DATE,
                    "to": _DATE,
                    "evaluated_at": {"type": "string", "format": "date-time"},
                    "processing_time": {"type": "array", "items": {
                        "type": "object",
                        "required": ["procedure", "channel", "dossiers", "average_working_hours"],
                        "additionalProperties": False,
                        "properties": {
                            "procedure": {"type": "string"},
                            "channel": {"type": "string", "enum": ["online", "in_person", "postal"]},
                            "dossiers": {"type": "integer", "minimum": 1},
                            "average_working_hours": {"type": "number", "minimum": 0},
                        },
                    }},
                    "overdue": {"type": "object", "required": ["late", "under_processing", "share"],
                                "additionalProperties": False,
                                "properties": {"late": {"type": "integer", "minimum": 0},
                                               "under_processing": {"type": "integer", "minimum": 0},
                                               "share": {"type": ["number", "null"]}}},
                    "not_synced": {"type": "integer", "minimum": 0},
                },
            },
            "FixFirst": {
                "type": "object",
                "required": ["unit", "from", "to", "evaluated_at", "horizon", "rules", "total", "actions"],
                "additionalProperties": False,
                "properties": {
                    "unit": {"type": "string"},
                    "from": _DATE,
                    "to": _DATE,
                    "evaluated_at": {"type": "string", "format": "date-time",
                                     "description": "The evaluation moment t, as in /index."},
                    "horizon": {"type": "string", "format": "date-time",
                                "description": "The period's last moment, when preventive actions are judged."},
                    "rules": {"type": "object", "required": ["name", "version"], "additionalProperties": False,
                              "properties": {"name": {"type": "string"}, "version": {"type": "string"}}},
                    "total": {"type": "number", "description": "The unit's total, as /index gives it."},
                    "actions": {"type": "array", "items": {"$ref": "#/components/schemas/FixFirstAction"},
                                "description": "Sorted by gain, then at_stake, descending."},
                },
            },
            "FixFirstAction": {
                "type": "object",
                "required": ["kind", "indicator", "dossiers", "procedures", "feedback", "gain", "at_stake"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"type": "string", "enum": ["sync", "digitise", "e_result", "offer_online",
                                                        "online_payment", "answer_feedback", "finish_before_due"]},
                    "indicator": {"type": "string", "enum": list(INDICATOR_IDS)},
                    "dossiers": {"type": "array", "items": {"type": "string"}},
                    "procedures": {"type": "array", "items": {"type": "string"}},
                    "feedback": {"type": "array", "items": {"type": "string"}},
                    "gain": {"type": "number", "description": "The unit's total if this action alone were done "
                                                              "at evaluated_at, minus total (2 decimals)."},
                    "at_stake": {"type": ["number", "null"],
                                 "description": "Preventive kinds: the total at the horizon if done at "
                                                "evaluated_at minus the total at the horizon if not; null "
                                                "for the other kinds."},
                },
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "additionalProperties": False,
                "properties": {"error": {
                    "type": "object", "required": ["parameter", "message"], "additionalProperties": False,
                    "properties": {"parameter": {"type": ["string", "null"],
                                                 "description": "The query parameter at fault; null when the "
                                                                "refusal is about who asks (401, 403)."},
                                   "message": {"type": "string", "description": "What is wrong, in Vietnamese."}},
                }},
            },
        },
    },
}
