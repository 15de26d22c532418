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
    config = LintConfig.from_mapping(
        {"AZL001": "warn", "soft-delete": "off", "azl015": "Error", "timestamps": False, "enum-for-status": "note"}
    )
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
    merged = merge_configs(
        manifest["lint"], manifest["categories"]["core"]["lint"], manifest["services"]["audit"]["lint"]
    )
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
