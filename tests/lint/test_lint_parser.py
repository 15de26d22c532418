"""The Prisma schema reader: every grammar feature, with exact positions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from azora_tasks.lint import SchemaParseError, parse_files, parse_schema
from azora_tasks.lint.parser import read_schema_folder
from azora_tasks.lint.syntax import ArrayValue, FunctionCall, Identifier, NumberValue, StringValue


def parse(text: str):
    return parse_schema(textwrap.dedent(text), "s.prisma")


def test_blocks_of_every_kind_with_name_positions():
    schema = parse(
        """\
        datasource db {
          provider = "postgresql"
          url      = env("DATABASE_URL")
        }
        generator client {
          provider        = "prisma-client-js"
          previewFeatures = ["views", "prismaSchemaFolder"]
        }
        model User {
          id String @id
        }
        view UserInfo {
          id String @unique
        }
        type Address {
          street String
        }
        enum Role {
          USER
        }
        """
    )
    kinds = [(b.kind, b.name, b.line, b.column, b.name_line, b.name_column) for b in schema.blocks]
    assert kinds == [
        ("datasource", "db", 1, 1, 1, 12),
        ("generator", "client", 5, 1, 5, 11),
        ("model", "User", 9, 1, 9, 7),
        ("view", "UserInfo", 12, 1, 12, 6),
        ("type", "Address", 15, 1, 15, 6),
        ("enum", "Role", 18, 1, 18, 6),
    ]
    assert schema.provider == "postgresql"
    url = schema.blocks[0].property("url")
    assert isinstance(url.value, FunctionCall) and url.value.name == "env"
    features = schema.blocks[1].property("previewFeatures").value
    assert isinstance(features, ArrayValue)
    assert [i.value for i in features.items] == ["views", "prismaSchemaFolder"]
    assert schema.blocks[2].end_line == 11 and schema.blocks[2].end_column == 2


def test_field_positions_types_and_modifiers():
    schema = parse(
        """\
        model Post {
          id       String   @id @default(uuid())
          tags     String[]
          note     String?
          geo      Unsupported("circle")?
          author   User     @relation(fields: [authorId], references: [id], onDelete: Cascade)
        }
        """
    )
    post = schema.model("Post")
    fields = {f.name: f for f in post.fields}
    assert (fields["id"].line, fields["id"].column) == (2, 3)
    assert (fields["id"].type.line, fields["id"].type.column) == (2, 12)
    assert fields["tags"].type.list and not fields["tags"].type.optional
    assert fields["note"].type.optional and fields["note"].type.name == "String"
    geo = fields["geo"].type
    assert geo.unsupported and geo.optional
    assert isinstance(geo.args[0].value, StringValue) and geo.args[0].value.value == "circle"
    relation = fields["author"].attribute("relation")
    assert (relation.line, relation.column) == (6, 21)
    assert [a.name for a in relation.args] == ["fields", "references", "onDelete"]
    assert isinstance(relation.arg("onDelete"), Identifier)


def test_field_attributes_with_native_types_and_defaults():
    schema = parse(
        """\
        model Money {
          amount  Decimal @default(-1.50) @db.Decimal(12, 2)
          code    String  @db.VarChar(3) @map("currency_code")
          active  Boolean @default(true)
        }
        """
    )
    amount = schema.model("Money").field("amount")
    assert [a.name for a in amount.attributes] == ["default", "db.Decimal"]
    native = amount.native_type()
    assert native.name == "db.Decimal" and (native.line, native.column) == (2, 35)
    assert [a.value.text for a in native.args] == ["12", "2"]
    default = amount.attribute("default").arg("value", 0)
    assert isinstance(default, NumberValue) and default.text == "-1.50"
    code = schema.model("Money").field("code")
    assert code.attribute("map").arg("name", 0).value == "currency_code"


def test_block_attributes_with_compound_lists_sort_and_map():
    schema = parse(
        """\
        model Event {
          a String
          b String
          @@index([a, b(sort: Desc)], map: "event_a_b_idx")
          @@unique(fields: [a, b], name: "ab")
          @@id([a, b])
          @@map("events")
        }
        """
    )
    event = schema.model("Event")
    index = event.block_attributes("index")[0]
    assert index.block and (index.line, index.column) == (4, 3)
    assert index.field_names() == ["a", "b"]
    assert index.arg("map").value == "event_a_b_idx"
    sort_arg = index.arg("fields", 0).items[1]
    assert isinstance(sort_arg, FunctionCall) and sort_arg.args[0].name == "sort"
    assert event.block_attributes("unique")[0].field_names() == ["a", "b"]
    assert event.block_attributes("id")[0].field_names() == ["a", "b"]
    assert event.block_attributes("map")[0].arg("name", 0).value == "events"


def test_multi_line_attributes_keep_start_and_end():
    schema = parse(
        """\
        model Event {
          a String
          b String @default(
            "x"
          )

          @@index(
            [a,
             b],
            map: "x"
          )
        }
        """
    )
    event = schema.model("Event")
    b = event.field("b")
    assert (b.line, b.end_line) == (3, 5)
    index = event.attributes[0]
    assert (index.line, index.column, index.end_line, index.end_column) == (7, 3, 11, 4)
    assert index.field_names() == ["a", "b"]


def test_strings_containing_comment_markers_and_at_signs():
    schema = parse(
        """\
        model Link {
          url   String @default("https://example.com//path") // real comment
          email String @default("a@b.c /* not a comment */")
          quote String @default("say \\"hi\\" // still string")
        }
        """
    )
    link = schema.model("Link")
    assert link.field("url").attribute("default").arg("value", 0).value == "https://example.com//path"
    assert link.field("url").trailing_comment.text == "real comment"
    assert link.field("email").attribute("default").arg("value", 0).value == "a@b.c /* not a comment */"
    assert link.field("quote").attribute("default").arg("value", 0).value == 'say "hi" // still string'
    assert [c.text for c in schema.comments] == ["real comment"]


def test_comments_of_every_kind_attach_to_the_following_declaration():
    schema = parse(
        """\
        // file header

        /// A course.
        /// Second line.
        model Course {
          /// The key.
          id String @id // trailing
          /* block
             comment */
          title String
          // loose body comment

          @@map("courses")
        }
        """
    )
    course = schema.model("Course")
    assert course.doc == "A course.\nSecond line."
    assert course.field("id").doc == "The key."
    assert course.field("id").trailing_comment.text == "trailing"
    title_comments = course.field("title").comments
    assert [c.kind for c in title_comments] == ["block"]
    assert [c.text for c in course.body_comments] == ["loose body comment"]
    header = schema.comments[0]
    assert (header.kind, header.line, header.column, header.own_line) == ("line", 1, 1, True)
    kinds = [c.kind for c in schema.comments]
    assert kinds.count("doc") == 3 and kinds.count("block") == 1


def test_enum_values_with_attributes_and_block_attributes():
    schema = parse(
        """\
        enum Status {
          ACTIVE   @map("active")
          /// Gone.
          INACTIVE
          @@map("status")
        }
        """
    )
    status = schema.enum("Status")
    assert [(v.name, v.line, v.column) for v in status.values] == [("ACTIVE", 2, 3), ("INACTIVE", 4, 3)]
    assert status.values[0].attributes[0].arg("name", 0).value == "active"
    assert status.values[1].comments[0].text == "Gone."
    assert status.block_attributes("map")[0].arg("name", 0).value == "status"


def test_keywords_are_valid_field_names_and_crlf_is_accepted():
    text = "model Thing {\r\n  type String\r\n  model String\r\n  enum Int\r\n}\r\n"
    thing = parse_schema(text, "t.prisma").model("Thing")
    assert [f.name for f in thing.fields] == ["type", "model", "enum"]
    assert thing.field("enum").line == 4


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("model A {\n  id String @id\n", 1, 1, "missing '}'"),
        ("model A {\n  id String @default(uuid()\n}\n", 3, 1, "expected ',' or ')'"),
        ('model A {\n  id String @default("x)\n}\n', 2, 22, "unterminated string"),
        ("model A {\n  id\n}\n", 2, 3, "has no type"),
        ("modle A {\n}\n", 1, 1, "expected a block keyword"),
        ("model A {\n  id String $\n}\n", 2, 13, "unexpected character"),
        ("model {\n}\n", 1, 7, "expected a model name"),
        ("model A {\n  id String @@id\n}\n", 2, 13, "must be on its own line"),
        ("model A {\n  /* open\n}\n", 2, 3, "unterminated block comment"),
        ('datasource db {\n  provider "x"\n}\n', 2, 12, "expected '='"),
    ],
)
def test_parse_errors_carry_path_line_and_column(text, line, column, fragment):
    with pytest.raises(SchemaParseError) as excinfo:
        parse_schema(text, "bad.prisma")
    error = excinfo.value
    assert (error.path, error.line, error.column) == ("bad.prisma", line, column)
    assert fragment in error.message
    assert str(error).startswith(f"bad.prisma:{line}:{column}: ")


def test_multi_file_schema_resolves_models_across_files(tmp_path: Path):
    folder = tmp_path / "schema"
    folder.mkdir()
    (folder / "main.prisma").write_text('datasource db {\n  provider = "mysql"\n  url = env("U")\n}\n')
    (folder / "user.prisma").write_text("model User {\n  id String @id\n  posts Post[]\n}\n")
    (folder / "post.prisma").write_text("model Post {\n  id String @id\n  userId String\n  user User @relation(fields: [userId], references: [id])\n}\n")
    schema = read_schema_folder(folder)
    assert schema.provider == "mysql"
    assert schema.model("User").path.endswith("user.prisma")
    assert schema.model("Post").path.endswith("post.prisma")
    assert schema.is_model_like("User")
    assert len(schema.paths) == 3

    combined = parse_files([("a.prisma", "model A {\n  id String @id\n}\n"), ("b.prisma", "model B {\n  id String @id\n}\n")])
    assert [(b.name, b.path) for b in combined.blocks] == [("A", "a.prisma"), ("B", "b.prisma")]
    assert all(c.path for c in combined.comments)


def test_empty_and_comment_only_files_parse():
    assert parse_schema("", "e.prisma").blocks == []
    only_comments = parse_schema("// nothing\n/// here\n", "c.prisma")
    assert only_comments.blocks == [] and len(only_comments.comments) == 2
