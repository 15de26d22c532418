"""Configuration: severities by code or name, layered merging, clear errors."""

from __future__ import annotations

import tomllib

import pytest

from azora_tasks.lint import RULES, LintConfig, Severity, lint_text, merge_configs
from azora_tasks.lint.rules import SoftDelete, UnboundedString, UuidPrimaryKey


def test_defaults_come_from_the_registry():
    config = LintConfig()
    assert all(config.severity(rule) is rule.default_severity for rule in RULES)
    assert config.severity(UnboundedString) is Severity.OFF


def test_from_mapping_accepts_codes_names_and_aliases():
    config = LintConfig.from_mapping({"AZL001": "warn", "soft-delete": "off", "azl015": "Error", "timestamps": False, "enum-for-status": "note"})
    assert config.severity(UuidPrimaryKey) is Severity.WARNING
    assert config.severity(SoftDelete) is Severity.OFF
    assert config.severity(UnboundedString) is Severity.ERROR
    assert config.to_dict()["AZL002"] == "off"
    assert config.to_dict()["AZL004"] == "info"


def test_true_enables_with_the_default_severity():
    config = LintConfig.from_mapping({"soft-delete": True, "unbounded-string": True})
    assert config.severity(SoftDelete) is Severity.WARNING
    assert config.severity(UnboundedString) is Severity.WARNING


def test_unknown_rule_raises_value_error_naming_it_and_listing_valid_ids():
    with pytest.raises(ValueError) as excinfo:
        LintConfig.from_mapping({"soft-delet": "off"})
    message = str(excinfo.value)
    assert "'soft-delet'" in message
    assert "AZL003 soft-delete" in message and "AZL001 uuid-primary-key" in message


def test_bad_severity_raises_value_error():
    with pytest.raises(ValueError, match="invalid severity 'loud' for lint rule AZL003 soft-delete"):
        LintConfig.from_mapping({"AZL003": "loud"})


def test_merge_global_category_service_later_wins_per_rule():
    manifest = tomllib.loads(
        """
        [lint]
        soft-delete = "error"
        AZL004 = "off"

        [categories.core.lint]
        AZL003 = "info"
        unbounded-string = "warning"

        [services.audit.lint]
        soft-delete = "off"
        """
    )
    merged = merge_configs(manifest["lint"], manifest["categories"]["core"]["lint"], manifest["services"]["audit"]["lint"])
    assert merged.to_dict()["AZL003"] == "off"
    assert merged.to_dict()["AZL004"] == "off"
    assert merged.to_dict()["AZL015"] == "warning"
    assert merged.to_dict()["AZL001"] == "error"
    category_only = merge_configs(manifest["lint"], manifest["categories"]["core"]["lint"], None)
    assert category_only.to_dict()["AZL003"] == "info"


def test_merge_accepts_config_objects_and_validates_each_layer():
    base = LintConfig.from_mapping({"AZL003": "off"})
    assert merge_configs(base, {"AZL003": "error"}).severity(SoftDelete) is Severity.ERROR
    with pytest.raises(ValueError, match="'AZL999'"):
        merge_configs(base, {}, {"AZL999": "off"})


def test_config_changes_severity_of_findings_and_off_drops_them():
    text = "model A {\n  id String @id @default(uuid())\n}\n"
    warn = lint_text(text, "a.prisma", config=LintConfig.from_mapping({"timestamps": "warning"}))
    assert {f.severity for f in warn.findings if f.code == "AZL002"} == {Severity.WARNING}
    off = lint_text(text, "a.prisma", config=LintConfig.from_mapping({"timestamps": "off"}))
    assert not [f for f in off.findings if f.code == "AZL002"]
    assert off.suppressed == 0


# ------------------------------------------------- select / ignore / [[lint.ignores]]


def test_select_prefixes_names_and_ignore():
    config = LintConfig.from_mapping({"select": ["AZL00"], "ignore": ["soft-delete"]})
    enabled = {r.code for r in config.enabled_rules()}
    assert enabled == {r.code for r in RULES if r.code.startswith("AZL00") and r.code != "AZL003"}
    assert config.severity(UnboundedString) is Severity.OFF  # a prefix does not switch on off-by-default rules
    named = LintConfig.from_mapping({"select": ["AZL00"], "extend-select": ["unbounded-string"]})
    assert named.severity(UnboundedString) is Severity.WARNING
    explicit_off = LintConfig.from_mapping({"AZL015": "off", "extend-select": ["AZL015"]})
    assert explicit_off.severity(UnboundedString) is Severity.OFF  # an explicit severity wins


def test_command_line_select_replaces_and_ignore_adds():
    manifest = LintConfig.from_mapping({"select": ["AZL002"], "ignore": ["AZL003"]})
    cli = manifest.with_selection(("AZL00",), (), ("AZL006",))
    enabled = {r.code for r in cli.enabled_rules()}
    assert "AZL001" in enabled and not enabled & {"AZL003", "AZL006"}
    assert {r.code for r in manifest.with_selection(None, ("AZL008",), ()).enabled_rules()} == {"AZL002", "AZL008"}


@pytest.mark.parametrize(
    ("table", "message", "keys"),
    [
        ({"select": ["AZL9"]}, "'AZL9' matches no lint rule", ("select",)),
        ({"ignores": [{"rules": ["AZL002"]}]}, "needs a reason", ("ignores", 0)),
        ({"ignores": [{"rules": ["nope"], "reason": "x"}]}, "unknown lint rule 'nope'", ("ignores", 0, "rules")),
        ({"ignores": [{"rules": ["AZL002"], "reason": "x", "model": ["A"]}]}, "unknown key 'model'", ("ignores", 0, "model")),
        ({"ignores": {"rules": ["AZL002"]}}, "array of tables", ("ignores",)),
    ],
)
def test_bad_selection_and_ignores_name_the_key(table, message, keys):
    from azora_tasks.lint.config import LintConfigError

    with pytest.raises(LintConfigError, match=message) as excinfo:
        LintConfig.from_mapping(table, scope="global")
    assert excinfo.value.keys == keys


def test_baseline_and_ignores_only_in_the_top_level_table():
    with pytest.raises(ValueError, match="only read from the top-level"):
        LintConfig.from_mapping({"ignores": []}, scope="local")


def test_manifest_ignores_by_model_glob_and_category():
    config = LintConfig.from_mapping(
        {
            "ignores": [
                {"models": ["Audit*"], "rules": ["timestamps"], "reason": "copied"},
                {"categories": ["edu"], "rules": ["soft-delete"], "reason": "edu archives elsewhere"},
            ]
        },
        scope="global",
    )
    schema = "model AuditLog {\n  id String @id @default(uuid())\n}\nmodel Course {\n  id String @id @default(uuid())\n}\n"
    selected = LintConfig.from_mapping({"select": ["timestamps", "soft-delete"]})
    core = lint_text(schema, "s.prisma", config=selected.merged(config.for_service("svc", "core")))
    assert sorted((f.code, f.model) for f in core.findings) == [("AZL002", "Course"), ("AZL003", "AuditLog"), ("AZL003", "Course")]
    assert core.ignore_hits == {0: 1}
    edu = lint_text(schema, "s.prisma", config=selected.merged(config.for_service("svc", "edu")))
    assert [(f.code, f.model) for f in edu.findings] == [("AZL002", "Course")]
    assert edu.ignore_hits == {0: 1, 1: 2}
