"""Every rule: a failing and a passing schema with the exact finding position."""

from __future__ import annotations

import pytest
from lint_helpers import CLEAN_SCHEMA, lint_only, only, positions

from azora_tasks.lint import RULES, LintConfig, Severity, lint_text


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_docstring_examples_bad_fails_and_good_passes(rule):
    sections = rule.doc_sections()
    assert sections["summary"] and sections["why"] and sections["bad"] and sections["good"], rule.code
    # AZL091 judges suppressions of enabled rules only: its example suppresses money-decimal.
    config = only(rule.code, "money-decimal") if rule.code == "AZL091" else only(rule.code)
    bad = lint_text(sections["bad"], "bad.prisma", config=config)
    good = lint_text(sections["good"], "good.prisma", config=config)
    assert [f.code for f in bad.findings] and {f.code for f in bad.findings} == {rule.code}
    assert good.findings == []


def test_clean_schema_has_no_findings_with_every_rule_on():
    everything = LintConfig.from_mapping({r.code: "error" for r in RULES})
    assert lint_text(CLEAN_SCHEMA, "clean.prisma", config=everything).findings == []


def test_registry_codes_and_names_are_unique_and_stable():
    codes = [r.code for r in RULES]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.code.startswith("AZL") and len(r.code) == 6 for r in RULES)
    assert {
        "uuid-primary-key",
        "timestamps",
        "soft-delete",
        "enum-for-status",
        "relation-defined",
        "foreign-key-index",
        "table-map",
        "money-decimal",
        "timestamp-type",
        "required-fields",
        "unbounded-string",
    } <= {r.name for r in RULES}


# ----------------------------------------------------------- AZL001


UUID_CASES = [
    ("id String @id @default(uuid())", []),
    ("id String @id @default(uuid(4))", []),
    ("id String @id @default(uuid(7))", []),
    ('id String @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid', []),
    ("id String @id @default(cuid())", [("AZL001", 2, 17)]),
    ("id String @id", [("AZL001", 2, 3)]),
    ("id Int @id @default(autoincrement())", [("AZL001", 2, 6)]),
    ("name String", [("AZL001", 1, 7)]),
]


@pytest.mark.parametrize(("field", "expected"), UUID_CASES)
def test_uuid_primary_key(field, expected):
    result = lint_only(f"model Course {{\n  {field}\n}}\n", "uuid-primary-key")
    assert positions(result) == expected


def test_uuid_primary_key_cuid_message_and_fix():
    result = lint_only("model Course {\n  id String @id @default(cuid())\n}\n", "AZL001")
    (finding,) = result.findings
    assert "cuid()" in finding.message and finding.fix == "@default(uuid())"
    assert (finding.end_line, finding.end_column) == (2, 33)


def test_uuid_primary_key_accepts_pure_join_table_but_not_other_composites():
    schema = """\
    model UserRole {
      userId String
      roleId String
      user   User @relation(fields: [userId], references: [id])
      role   Role @relation(fields: [roleId], references: [id])
      @@id([userId, roleId])
    }
    model Booking {
      roomId String
      day    DateTime
      room   Room @relation(fields: [roomId], references: [id])
      @@id([roomId, day])
    }
    model User {
      id String @id @default(uuid())
      roles UserRole[]
    }
    model Role {
      id String @id @default(uuid())
      users UserRole[]
    }
    model Room {
      id String @id @default(uuid())
      bookings Booking[]
    }
    """
    assert positions(lint_only(schema, "AZL001")) == [("AZL001", 12, 3)]


def test_views_and_types_need_no_primary_key():
    schema = "view Stats {\n  total Int\n}\ntype Address {\n  street String\n}\n"
    assert lint_only(schema, "AZL001").findings == []


# ----------------------------------------------------------- AZL002 / AZL003


def test_timestamps_missing_both():
    result = lint_only("model Course {\n  id String @id\n}\n", "timestamps")
    assert positions(result) == [("AZL002", 1, 7)]  # one finding for the model, two edits
    (finding,) = result.findings
    assert finding.fixable == "safe" and [e.field for e in finding.edits] == ["createdAt", "updatedAt"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("createdAt DateTime @default(now())\n  updatedAt DateTime @updatedAt", []),
        ("createdAt String @default(now())\n  updatedAt DateTime @updatedAt", [("AZL002", 2, 13)]),
        ("createdAt DateTime? @default(now())\n  updatedAt DateTime @updatedAt", [("AZL002", 2, 13)]),
        ("createdAt DateTime\n  updatedAt DateTime @updatedAt", [("AZL002", 2, 3)]),
        ("createdAt DateTime @default(now())\n  updatedAt DateTime @default(now())", [("AZL002", 3, 3)]),
        ('createdAt DateTime @default(dbgenerated("CURRENT_TIMESTAMP"))\n  updatedAt DateTime @updatedAt', []),
    ],
)
def test_timestamps_types_and_defaults(fields, expected):
    assert positions(lint_only(f"model Course {{\n  {fields}\n}}\n", "AZL002")) == expected


def test_join_table_needs_created_at_only_and_no_soft_delete():
    schema = """\
    model UserRole {
      userId    String
      roleId    String
      createdAt DateTime @default(now())
      user      User @relation(fields: [userId], references: [id])
      role      Role @relation(fields: [roleId], references: [id])
      @@id([userId, roleId])
    }
    """
    assert lint_only(schema, "timestamps", "soft-delete").findings == []


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("deletedAt DateTime?", []),
        (None, [("AZL003", 1, 7)]),
        ("deletedAt DateTime", [("AZL003", 2, 13)]),
        ("deletedAt Boolean?", [("AZL003", 2, 13)]),
        ("deletedAt DateTime? @default(now())", [("AZL003", 2, 23)]),
    ],
)
def test_soft_delete(field, expected):
    body = f"  {field}\n" if field else ""
    assert positions(lint_only(f"model Course {{\n{body}}}\n", "soft-delete")) == expected


# ----------------------------------------------------------- AZL004


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("status String", [("AZL004", 2, 10)]),
        ("paymentStatus Int", [("AZL004", 2, 17)]),
        ("accountType String?", [("AZL004", 2, 15)]),
        ("role String", [("AZL004", 2, 8)]),
        ("status Status", []),
        ("contentType String", []),
        ("mimeType String", []),
        ("statusMessage String", []),
        ("typeface String", []),
    ],
)
def test_enum_for_status(field, expected):
    schema = f"model Order {{\n  {field}\n}}\nenum Status {{\n  ACTIVE\n}}\n"
    assert positions(lint_only(schema, "enum-for-status")) == expected


def test_state_in_an_address_model_is_a_region_not_a_status():
    address = "model Address {\n  city String\n  state String\n}\n"
    machine = "model Job {\n  state String\n}\n"
    assert lint_only(address, "AZL004").findings == []
    assert positions(lint_only(machine, "AZL004")) == [("AZL004", 2, 9)]


# ----------------------------------------------------------- AZL005 / AZL006


def test_relation_defined_flags_bare_foreign_key_to_local_model():
    schema = """\
    model Lesson {
      id       String @id
      courseId String
      refreshTokenId String
      userId   String
    }
    model Course {
      id String @id
    }
    model RefreshToken {
      id String @id
    }
    """
    result = lint_only(schema, "relation-defined")
    assert positions(result) == [("AZL005", 3, 3), ("AZL005", 4, 3)]
    assert result.findings[0].fix == "course Course @relation(fields: [courseId], references: [id])"


def test_relation_defined_resolves_across_files(tmp_path):
    from azora_tasks.lint import lint_files

    (tmp_path / "course.prisma").write_text("model Course {\n  id String @id\n  lessons Lesson[]\n}\n")
    (tmp_path / "lesson.prisma").write_text(
        "model Lesson {\n  id String @id\n  courseId String\n  course Course @relation(fields: [courseId], references: [id])\n}\n"
    )
    (tmp_path / "module.prisma").write_text("model Module {\n  id String @id\n  courseId String\n}\n")
    result = lint_files([tmp_path], config=only("AZL005"))
    assert [(f.path.rsplit("/", 1)[-1], f.line, f.column) for f in result.findings] == [("module.prisma", 3, 3)]


def test_foreign_key_index_for_relations_and_cross_service_refs():
    schema = """\
    model Lesson {
      id        String @id
      courseId  String
      course    Course @relation(fields: [courseId], references: [id])
      authorId  String
      reviewerId String @unique
      tenantId  String
      @@index([tenantId, authorId])
    }
    model Course {
      id      String   @id
      lessons Lesson[]
    }
    """
    result = lint_only(schema, "foreign-key-index")
    # courseId: relation without index; authorId: only second column of an index.
    assert positions(result) == [("AZL006", 3, 3), ("AZL006", 5, 3)]
    assert result.findings[0].fix == "@@index([courseId])"


def test_foreign_key_index_compound_keys_any_order_in_leading_group():
    schema = """\
    model Line {
      id      String @id
      orderId String
      shopId  String
      order   Order @relation(fields: [orderId, shopId], references: [id, shopId])
      @@index([shopId, orderId, id])
    }
    model Order {
      id     String
      shopId String
      lines  Line[]
      @@id([id, shopId])
      @@index([shopId])
    }
    """
    assert lint_only(schema, "AZL006").findings == []
    unindexed = schema.replace("@@index([shopId, orderId, id])", "@@index([id, orderId, shopId])")
    assert positions(lint_only(unindexed, "AZL006")) == [("AZL006", 5, 17)]


# ----------------------------------------------------------- AZL007


@pytest.mark.parametrize(
    ("model", "mapping", "expected"),
    [
        ("RefreshToken", '@@map("refresh_tokens")', []),
        ("Category", '@@map("categories")', []),
        ("Address", '@@map("addresses")', []),
        ("Person", '@@map("people")', []),
        ("Media", '@@map("media")', []),
        ("Status", '@@map("statuses")', []),
        ("UserSetting", '@@map(name: "user_settings")', []),
        ("Address", '@@map("address")', [("AZL007", 3, 9)]),
        ("RefreshToken", '@@map("RefreshTokens")', [("AZL007", 3, 9)]),
        ("Course", '@@map("course")', [("AZL007", 3, 9)]),
        ("Course", None, [("AZL007", 1, 7)]),
    ],
)
def test_table_map(model, mapping, expected):
    schema = f"model {model} {{\n  id String @id\n  {mapping or ''}\n}}\n"
    result = lint_only(schema, "table-map")
    assert positions(result) == expected


def test_table_map_fix_names_the_expected_table():
    (finding,) = lint_only("model Category {\n  id String @id\n}\n", "AZL007").findings
    assert finding.fix == '@@map("categories")'


# ----------------------------------------------------------- AZL008


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("price Float", [("AZL008", 2, 9)]),
        ("totalAmount Float?", [("AZL008", 2, 15)]),
        ("balance String", [("AZL008", 2, 11)]),
        ("amountPaid Float", [("AZL008", 2, 14)]),
        ("price Decimal", []),
        ("totalCents Int", []),
        ("amount BigInt", []),
        ("priceId String", []),
        ("taxRate Float", []),
        ("totalWeight Float", []),
    ],
)
def test_money_decimal(field, expected):
    assert positions(lint_only(f"model Product {{\n  {field}\n}}\n", "money-decimal")) == expected


# ----------------------------------------------------------- AZL009


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("expiresAt Int", [("AZL009", 2, 13)]),
        ("birthDate String", [("AZL009", 2, 13)]),
        ("startTime String", [("AZL009", 2, 13)]),
        ("timestamp BigInt", [("AZL009", 2, 13)]),
        ("responseTime Int", []),
        ("expiresAt DateTime", []),
        ("isUpToDate Boolean", []),
        ("at String", []),
        ("createdAt String", []),
        ("updateAtlas String", []),
    ],
)
def test_timestamp_type(field, expected):
    assert positions(lint_only(f"model Token {{\n  {field}\n}}\n", "timestamp-type")) == expected


# ----------------------------------------------------------- AZL010


def test_required_fields_flags_optional_fk_of_required_relation_and_optional_id():
    schema = """\
    model Lesson {
      id       String? @id
      courseId String?
      course   Course  @relation(fields: [courseId], references: [id])
      mentorId String?
      mentor   User?   @relation(fields: [mentorId], references: [id])
    }
    """
    result = lint_only(schema, "required-fields")
    assert positions(result) == [("AZL010", 2, 12), ("AZL010", 3, 12)]


# ----------------------------------------------------------- naming


def test_naming_rules_positions():
    schema = """\
    model user_account {
      id         String @id
      First_Name String
      lastName   String
    }
    enum order_status {
      active
      PAST_DUE
    }
    model Users {
      id String @id
    }
    model Status {
      id String @id
    }
    """
    result = lint_only(schema, "AZL011", "AZL012", "AZL013", "AZL014", "AZL017")
    assert positions(result) == [
        ("AZL011", 1, 7),
        ("AZL012", 3, 3),
        ("AZL013", 6, 6),
        ("AZL017", 7, 3),
        ("AZL014", 10, 7),
    ]
    fixes = {f.code: f.fix for f in result.findings}
    assert fixes["AZL011"] == "UserAccount"
    assert fixes["AZL013"] == "OrderStatus"


# ----------------------------------------------------------- provider rules


def test_unbounded_string_is_off_by_default_and_provider_aware():
    schema = 'datasource db {\n  provider = "postgresql"\n  url = env("U")\n}\nmodel User {\n  email String\n  id String @db.Uuid\n  bio String @db.Text\n}\n'
    default = lint_text(schema, "s.prisma", config=LintConfig.from_mapping({r.code: "off" for r in RULES if r.code != "AZL015"}))
    assert default.findings == []
    assert positions(lint_only(schema, "AZL015")) == [("AZL015", 6, 9), ("AZL015", 8, 14)]
    assert lint_only(schema, "AZL015", provider="sqlite").findings == []


def test_mysql_indexed_text_respects_prefix_length():
    schema = """\
    datasource db {
      provider = "mysql"
      url      = env("DATABASE_URL")
    }
    model Post {
      id    String @id
      body  String @db.Text
      title String @db.LongText
      slug  String @db.MediumText @unique(length: 100)
      @@index([body(length: 100)])
      @@index([title])
    }
    """
    assert positions(lint_only(schema, "mysql-indexed-text")) == [("AZL016", 8, 16)]
    assert lint_only(schema, "mysql-indexed-text", provider="postgresql").findings == []


def test_default_severities_are_applied():
    (finding,) = lint_text(
        'model Course {\n  id String @id @default(uuid())\n  createdAt DateTime @default(now())\n  updatedAt DateTime @updatedAt\n  @@map("courses")\n}\n',
        "s.prisma",
    ).findings
    assert (finding.code, finding.severity) == ("AZL003", Severity.WARNING)
