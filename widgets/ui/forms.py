"""The content forms: the values examples, the week's ideas and the metrics matching, edited without YAML.

The same way as the case editor: a list of the items with where each comes from (kit,
organisation, replaced, hidden), a form for one item with French and English side by side
(a text written in one language only is highlighted), the checks of ``elan validate``
shown as you type, and saving as readable YAML into the organisation's folder. The form
is drawn from the kind's JSON Schema, so a field added to a schema appears in the form;
the kit's files are never written (``widgets.content.layers``).
"""

from __future__ import annotations

import copy
import re
from typing import Any

import ipywidgets as w

from widgets import content
from widgets.content import layers
from widgets.core import i18n
from widgets.core.i18n import Translator
from widgets.ui.templating import render, replace_children
from widgets.ui.trainer import current, page_may_write

#: The documents the forms edit, in the order the picker offers them.
DOCUMENTS = ("values/examples", "week/ideas", "metrics/matching")
#: The list a document opens on, when it is not its first (the ideas, before the roles they name).
FIRST_LIST = {"week/ideas": ("ideas",)}
LANGS = ("fr", "en")
#: The languages a text may also have, each read from another when it has none (``fr-CA`` from ``fr``).
VARIANTS = tuple(lang for lang in i18n.LANGUAGES if lang not in LANGS)
#: The field that names an item in the list, the first one it has.
NAMING = ("name", "title", "organisation", "figure")
ID = re.compile(r"^[a-z][a-z0-9-]*$")


def key(name: str) -> str:
    """A document's or a list's path as a translation key: ``values/examples`` -> ``values_examples``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


def half_written(node: Any, path: tuple = ()) -> set[tuple]:
    """The paths (``("what", "en")``) of the texts written in one language but not the other."""
    out = set()
    for where, text in _texts(node, path):
        # A variant (fr-CA) is never required: left empty, it reads its fallback.
        filled = [lang for lang in LANGS if str(text.get(lang, "")).strip()]
        if filled and len(filled) < len(LANGS):
            out.update(where + (lang,) for lang in LANGS if lang not in filled)
    return out


def _texts(node: Any, path: tuple):
    if isinstance(node, dict):
        if node and set(node) <= set(i18n.LANGUAGES) and all(isinstance(v, str) for v in node.values()):
            yield path, node
            return
        for k, v in node.items():
            yield from _texts(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _texts(v, path + (i,))


def not_for(schema: dict, item: dict) -> set[str]:
    """The fields an item of this kind does not take, from its schema's alternatives.

    An example screen takes no figure, a figure screen no vision (``allOf``/``if``/``then``);
    a value of the matching has a statement, a team its activities (``oneOf``). A field
    that is filled is always shown, so that a change of kind loses nothing unseen.

    >>> not_for({"oneOf": [{"required": ["statement"]}, {"required": ["activities"]}]}, {"statement": {"fr": "x"}})
    {'activities'}
    """
    out: set[str] = set()
    filled = {k for k, v in item.items() if v not in (None, "", [], {})}
    alternatives = [set(a.get("required", [])) for a in schema.get("oneOf", [])]
    chosen = [a for a in alternatives if a & filled]
    if chosen:
        out |= set().union(*alternatives) - set().union(*chosen)
    for rule in schema.get("allOf", []):
        when = rule.get("if", {}).get("properties", {})
        if when and all(item.get(k) == v.get("const") for k, v in when.items()):
            for alternative in rule.get("then", {}).get("not", {}).get("anyOf", []):
                out |= set(alternative.get("required", []))
    return out


def variants_toggle(t: Translator, lang: str, redraw) -> w.Checkbox:
    """The checkbox that adds the Québec boxes (fr-CA) to every text; on by default on a Québec page."""
    toggle = w.Checkbox(
        value=lang in VARIANTS, description=t("forms.show_variants"), indent=False, layout=w.Layout(width="auto")
    )
    # Held on by follow_variants (disabled): the change it makes draws nothing, the form is being drawn.
    toggle.observe(lambda _: toggle.disabled or redraw(), names="value")
    return toggle


def follow_variants(toggle: w.Checkbox, t: Translator, document: Any) -> None:
    """A document with Québec texts shows them: the toggle is held on and says why (and how to hide them)."""
    present = any(text.get(lang) for _, text in _texts(document, ()) for lang in VARIANTS)
    toggle.disabled = present
    toggle.value = toggle.value or present
    toggle.description = t("forms.variants_present" if present else "forms.show_variants")


def text_boxes(
    t: Translator, node: dict, langs: tuple, *, width: int, rows: int | None = None
) -> dict[str, w.Textarea]:
    """One box per language of a text, captioned with it; a Québec box says what empty does.

    ``rows``: the boxes' height; by default it grows with each box's text (2 to 8 lines).
    """
    return {
        lang: w.Textarea(
            value=node.get(lang, ""),
            description=t(f"forms.caption_{lang.replace('-', '_')}"),
            placeholder=t("forms.variant_empty") if lang in VARIANTS else "",
            rows=rows or max(2, min(8, len(node.get(lang, "")) // 36 + 1)),
            continuous_update=True,
            layout=w.Layout(width=f"{width // len(langs)}%"),
            style={"description_width": "initial"},
        )
        for lang in langs
    }


def text_row(boxes) -> w.HBox:
    row = w.HBox(list(boxes))
    row.add_class("elan-text-pair")  # each box captioned with its language, above it
    return row


class ContentForms(w.VBox):
    """Edit one document's items through the organisation's layer; check as you type; save into its folder."""

    def __init__(self, lang: str, name: str = DOCUMENTS[0]):
        self.lang, self.t = lang, Translator(lang)
        t = self.t
        self.doc: layers.Layered | None = None
        self.path: tuple = ()
        self.editing: str | None = None
        self.working: dict | None = None
        self.texts: dict[tuple, w.Textarea] = {}
        self.document = w.Dropdown(
            options=[(t(f"forms.doc_{key(n)}"), n) for n in DOCUMENTS],
            value=name,
            description=t("forms.document"),
            style={"description_width": "initial"},
            layout=w.Layout(width="34em"),
        )
        self.document.add_class("elan-forms-document")
        self.document.observe(lambda ch: self.open_document(ch["new"]), names="value")
        self.list_picker = w.Dropdown(
            description=t("forms.list"), style={"description_width": "initial"}, layout=w.Layout(width="24em")
        )
        self.list_picker.add_class("elan-forms-list-picker")
        self.list_picker.observe(self._list_picked, names="value")
        self._quiet = False  # True while the picker's options are set again (a new document)
        self.rows = w.VBox()
        self.rows.add_class("elan-forms-rows")
        self.new_id = w.Text(
            placeholder=t("forms.new_id"), description=t("forms.new_id_label"), layout=w.Layout(width="22em")
        )
        self.new_id.add_class("elan-forms-new-id")
        self.new_id.style.description_width = "initial"
        add = w.Button(description=t("forms.add"), layout=w.Layout(width="auto"))
        add.add_class("elan-forms-add")
        add.on_click(lambda _: self.add(self.new_id.value))
        self.form = w.VBox()
        self.form.add_class("elan-forms-form")
        # The Québec texts (fr-CA), for an organisation that writes its own: shown on request, or when there are some.
        self.variants = variants_toggle(t, lang, lambda: self.working is not None and self.build())
        self.variants.add_class("elan-forms-variants")
        self.checks, self.message = w.HTML(), w.HTML()
        self.checks.add_class("elan-forms-checks")
        self.message.add_class("elan-forms-message")
        self.save_button = w.Button(description=t("forms.save"), button_style="primary", layout=w.Layout(width="auto"))
        self.save_button.add_class("elan-forms-save")
        self.save_button.on_click(lambda _: self.save())
        listing = w.VBox(
            [
                w.HTML(render("forms.html", part="heading", text=t("forms.items"))),
                self.rows,
                w.HBox([self.new_id, add]),
            ]
        )
        listing.add_class("elan-forms-listing")
        side = w.VBox(
            [
                w.HTML(render("forms.html", part="heading", text=t("forms.checks"))),
                self.checks,
                self.save_button,
                self.message,
            ]
        )
        side.add_class("elan-forms-side")
        # The list on the left; on the right the checks and saving, then the item's form, so both stay in view.
        main = w.VBox([side, self.variants, self.form])
        main.add_class("elan-forms-main")
        super().__init__(
            [
                w.HTML(render("forms.html", part="intro", t=t, folder=str(content.organisation_dir() or ""))),
                w.HBox([self.document, self.list_picker]),
                w.HBox([listing, main]),
            ]
        )
        self.add_class("elan-forms")
        self.open_document(name)

    # --- the list -------------------------------------------------------------------------

    def open_document(self, name: str) -> None:
        """Open a document as the organisation has it now (read again from its folder)."""
        self.editing, self.working = None, None
        replace_children(self.form, [])
        try:
            self.doc = layers.Layered(name)
        except content.ContentError as exc:
            # The organisation's file (or its organisation.yaml) does not load: say where, change nothing.
            self.doc = None
            replace_children(self.rows, [])
            self.checks.value = render("forms.html", part="broken", t=self.t, problems=[str(p) for p in exc.problems])
            self.save_button.disabled = True
            return
        paths = self.doc.lists()
        options = [(self.t(f"forms.list_{key('_'.join(p))}"), p) for p in paths]
        self.path = FIRST_LIST.get(name) if FIRST_LIST.get(name) in paths else paths[0]
        self._quiet = True
        self.list_picker.options = options
        self.list_picker.value = self.path
        self._quiet = False
        self.list_picker.layout.display = "" if len(paths) > 1 else "none"
        self.draw_rows()
        self.refresh()

    def _list_picked(self, change) -> None:
        if not self._quiet and change["new"]:
            self.pick_list(change["new"])

    def pick_list(self, path: tuple) -> None:
        self.path, self.editing, self.working = path, None, None
        replace_children(self.form, [])
        self.draw_rows()

    def label(self, item: dict) -> str:
        for name in NAMING:
            value = item.get(name)
            if isinstance(value, dict):
                try:
                    return content.text(value, self.lang) or item["id"]
                except KeyError:  # a new item's name written in the other language only, so far
                    return next((v for v in value.values() if v), item["id"])
        return item["id"]

    def draw_rows(self) -> None:
        t, rows = self.t, []
        self.row_labels = {}
        for item, where in self.doc.rows(self.path):
            actions = {
                layers.KIT: ("replace", "hide"),
                layers.REPLACED: ("edit", "restore"),
                layers.HIDDEN: ("restore",),
                layers.ORGANISATION: ("edit", "remove"),
            }[where]
            buttons = []
            for action in actions:
                button = w.Button(description=t(f"forms.{action}"), layout=w.Layout(width="auto"))
                button.add_class(f"elan-forms-{action}")
                button.on_click(lambda _, a=action, i=item["id"]: self.act(a, i))
                buttons.append(button)
            text = self.row_labels[item["id"]] = w.HTML()
            text.value = self._row_html(item, where)
            row = w.HBox([text, w.HBox(buttons)])
            row.add_class("elan-forms-row")
            row.add_class(f"elan-forms-row-{item['id']}")
            row.add_class(f"elan-forms-origin-{where}")
            rows.append(row)
        replace_children(self.rows, rows)

    def _row_html(self, item: dict, where: str) -> str:
        return render(
            "forms.html",
            part="row",
            label=self.label(item),
            item_id=item["id"],
            origin=where,
            origin_label=self.t(f"forms.origin_{where}"),
            editing=item["id"] == self.editing,
        )

    def act(self, action: str, item_id: str) -> None:
        """What a row's button does: replace, hide, restore, remove a kit or organisation item, or edit it."""
        doc, path = self.doc, self.path
        if action == "replace":
            doc.replace(path, item_id)
        elif action == "hide":
            doc.hide(path, item_id)
        elif action == "restore":
            doc.restore(path, item_id)
        elif action == "remove":
            doc.remove(path, item_id)
        if action in ("replace", "edit"):
            self.edit(item_id)
        elif self.editing == item_id:
            self.editing, self.working = None, None
            replace_children(self.form, [])
        self.message.value = ""
        self.draw_rows()
        self.refresh()

    def add(self, item_id: str) -> None:
        """A new item of the organisation's, with an id that is not taken."""
        if self.doc is None:
            return
        item_id = item_id.strip()
        taken = {item["id"] for item, _ in self.doc.rows(self.path)}
        if not ID.match(item_id) or item_id in taken:
            why = "forms.id_taken" if item_id in taken else "forms.id_invalid"
            self.message.value = render("forms.html", part="message", kind="error", text=self.t(why, id=item_id))
            return
        self.working = self.doc.add(self.path, item_id)
        self.editing = item_id
        self.new_id.value = ""
        self.message.value = ""
        self.build()
        self.draw_rows()

    # --- the form -------------------------------------------------------------------------

    def edit(self, item_id: str) -> None:
        """Fill the form with an item of the organisation's (added, or its copy of a kit item)."""
        schema = layers.item_schema(self.doc.kind, self.path)
        item = copy.deepcopy(self.doc.item(self.path, item_id))
        # Every field of the schema is in the form, the ones the item leaves out empty.
        for name, prop in schema.get("properties", {}).items():
            if name not in item:
                item[name] = layers.blank(prop, self.doc.kind)
        self.working, self.editing = item, item_id
        self.build()

    def build(self) -> None:
        t, kind = self.t, self.doc.kind
        schema = layers.item_schema(kind, self.path)
        self.texts = {}
        parts = [w.HTML(render("forms.html", part="heading", text=t("forms.editing", id=self.editing)))]
        follow_variants(self.variants, t, self.working)
        parts += self._fields((), schema)
        replace_children(self.form, parts)
        self.changed()

    def _label(self, name: str) -> str:
        return self.t(f"forms.field_{name}")

    def _css(self, path: tuple) -> str:
        return "elan-forms-" + "-".join(str(p) for p in path)

    def _fields(self, path: tuple, schema: dict) -> list[w.Widget]:
        out = []
        node = _get(self.working, path)
        skip = not_for(schema, layers.tidy(node, schema, self.doc.kind) or {})
        for name, prop in schema.get("properties", {}).items():
            if name not in node:
                node[name] = layers.blank(prop, self.doc.kind)
            if name in skip and not layers.tidy(node[name], prop, self.doc.kind):
                continue  # a field this kind of item does not take, left empty: not offered
            out.append(self._field(path + (name,), name, prop))
        return out

    def _field(self, path: tuple, name: str, prop: dict) -> w.Widget:
        kind = self.doc.kind
        prop = layers.resolve(prop, kind)
        label = self._label(name)
        if prop.get("text"):
            return self._pair(path, label)
        value = _get(self.working, path)
        if "enum" in prop:
            options = [(self.t(f"forms.value_{v}"), v) for v in prop["enum"]]
            if value not in prop["enum"]:
                options.insert(0, (str(value), value))
            field = w.Dropdown(options=options, value=value, description=label)
            return self._watch(field, path, lambda v: v)
        kind_of = prop.get("type")
        if kind_of == "boolean":
            field = w.Checkbox(value=bool(value), description=label, indent=False, layout=w.Layout(width="auto"))
            return self._watch(field, path, bool)
        if kind_of in ("integer", "number"):
            cls = w.IntText if kind_of == "integer" else w.FloatText
            field = cls(value=value if isinstance(value, int | float) else 0, description=label)
            field.layout.width = "16em"
            return self._watch(field, path, int if kind_of == "integer" else float)
        if kind_of == "object":
            box = w.VBox([w.HTML(render("forms.html", part="label", text=label)), *self._fields(path, prop)])
            box.add_class("elan-forms-group")
            return box
        if kind_of == "array":
            items = layers.resolve(prop.get("items", {}), kind)
            if items.get("text") or items.get("type") == "object":
                return self._list(path, label, items)
            # A list of ids (the roles an idea involves): written one after the other, with commas.
            field = w.Text(value=", ".join(map(str, value)), description=label, continuous_update=False)
            return self._watch(field, path, lambda v: [p.strip() for p in v.split(",") if p.strip()])
        # An id is taken when typed, not at each key (it names the item in the list).
        field = w.Text(value=str(value), description=label, continuous_update=name != "id")
        return self._watch(field, path, str.strip)

    def _watch(self, field: w.Widget, path: tuple, convert) -> w.Widget:
        field.style.description_width = "initial"
        field.add_class(self._css(path))
        field.observe(lambda ch: self.set(path, convert(ch["new"])), names="value")
        return field

    def _pair(self, path: tuple, label: str) -> w.Widget:
        node = _get(self.working, path)
        langs = LANGS + (VARIANTS if self.variants.value else ())
        boxes = text_boxes(self.t, node, langs, width=100)
        for lang, area in boxes.items():
            area.add_class(self._css(path + (lang,)))
            area.observe(lambda ch, p=path + (lang,): self.set(p, ch["new"]), names="value")
            self.texts[path + (lang,)] = area
        return w.VBox([w.HTML(render("forms.html", part="label", text=label)), text_row(boxes.values())])

    def _list(self, path: tuple, label: str, items: dict) -> w.Widget:
        children = [w.HTML(render("forms.html", part="label", text=label))]
        for i, _ in enumerate(_get(self.working, path)):
            remove = w.Button(
                description=self.t("forms.remove_entry"), layout=w.Layout(width="auto", align_self="flex-start")
            )
            remove.add_class(f"{self._css(path)}-remove-{i}")
            remove.on_click(lambda _, i=i: self.remove_entry(path, i))
            if items.get("text"):
                entry = w.VBox([self._pair(path + (i,), f"{i + 1}."), remove])
            else:
                entry = w.VBox([*self._fields(path + (i,), items), remove])
            entry.add_class("elan-forms-entry")
            children.append(entry)
        more = w.Button(description=self.t("forms.add_entry"), layout=w.Layout(width="auto", align_self="flex-start"))
        more.add_class(f"{self._css(path)}-add")
        more.on_click(lambda _: self.add_entry(path, items))
        children.append(more)
        box = w.VBox(children)
        box.add_class("elan-forms-group")
        return box

    def add_entry(self, path: tuple, items: dict) -> None:
        _get(self.working, path).append(layers.blank(items, self.doc.kind))
        self.build()

    def remove_entry(self, path: tuple, index: int) -> None:
        del _get(self.working, path)[index]
        self.build()

    # --- checks and saving ------------------------------------------------------------------

    def set(self, path: tuple, value: Any) -> None:
        """Change one field of the item and check the document again."""
        _get(self.working, path[:-1])[path[-1]] = value
        if path == ("type",):
            self.build()  # another kind of screen takes other fields
            return
        self.changed()

    def changed(self) -> None:
        kind = self.doc.kind
        item = layers.tidy(self.working, layers.item_schema(kind, self.path), kind)
        self.doc.put(self.path, self.editing, item)
        if item.get("id") != self.editing:
            self.editing = item.get("id")
            self.draw_rows()
        elif self.editing in self.row_labels:
            where = self.doc.origins()[self.path][self.editing]
            self.row_labels[self.editing].value = self._row_html(item, where)
        follow_variants(self.variants, self.t, self.working)
        missing = half_written(self.working)
        for path, area in self.texts.items():
            if path in missing:
                area.add_class("elan-editor-missing")
            else:
                area.remove_class("elan-editor-missing")
        self.refresh()

    def problems(self) -> list[dict]:
        """The checks of ``elan validate`` on the document the room would get: item, field and message."""
        out = []
        for path, message in self.doc.problems():
            out.append({"item": self.doc.item_at(path) or "", "field": content.field_name(path), "text": message})
        return out

    def refresh(self) -> None:
        problems = self.problems()
        self.checks.value = render("forms.html", part="problems", items=problems, empty=self.t("forms.no_problem"))
        self.save_button.disabled = bool(problems) or content.organisation_dir() is None

    def save(self) -> list | None:
        """Write the organisation's layer and what it hides; refused while a problem remains."""
        t = self.t
        if not page_may_write():  # checked here, at the write: a page shown to a stranger saves nothing
            self.message.value = render("forms.html", part="message", kind="error", text=t("core.error_not_trainer"))
            return None
        if self.doc is None or self.problems():
            self.message.value = render("forms.html", part="message", kind="error", text=t("forms.fix_first"))
            return None
        try:
            written = self.doc.save()
        except layers.NoFolder:
            self.message.value = render("forms.html", part="message", kind="error", text=t("forms.no_folder"))
            return None
        editing, path = self.editing, self.path
        self.open_document(self.doc.name)  # read back from the folder: what the room will get
        if path in self.doc.lists():
            self.list_picker.value = path
        if editing and any(i["id"] == editing for i, _ in self.doc.rows(path)):
            origin = self.doc.origins()[path][editing]
            if origin in (layers.REPLACED, layers.ORGANISATION):
                self.edit(editing)
                self.draw_rows()
        self.message.value = render(
            "forms.html",
            part="message",
            kind="forms-saved",
            text=t("forms.saved", paths=", ".join(map(str, written))) if written else t("forms.nothing_to_save"),
        )
        return written


def content_forms(lang: str | None = None) -> ContentForms:
    """The content forms' notebook view, in the language of the page."""
    return ContentForms(current(lang).lang)
