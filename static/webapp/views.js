// The offline pages: the communes' children, registering a child with a need, adding a need, recording a
// distribution list, and the outbox. Built with DOM calls (never HTML strings from data) from the snapshot and the
// outbox; everything typed goes through the input norms (norms.js) and waits in the outbox (sync.js).

import { ageOn, fold, nfc, parseCount, parseDay, parseVnd, showCount, showDay, showTime, today } from "./norms.js";
import * as sync from "./sync.js";

const S = JSON.parse(document.getElementById("strings").textContent);
const PAGE = 100;

export function t(key, params = {}) {
  return (S[key] || key).replace(/%\((\w+)\)s/g, (_match, name) => String(params[name] ?? ""));
}

/** h("p", {class: "help"}, "text", child…): an element; attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "value") element.value = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

const choiceLabel = (choices, code) => (choices.find(([value]) => String(value) === String(code)) || [code, code])[1];

// --- What the device knows: the snapshot with the outbox laid over it ------------------------------------------

function rowsOf(table) {
  return table.rows.map((row) => Object.fromEntries(table.fields.map((field, i) => [field, row[i]])));
}

/** Children and needs of the snapshot plus those created on the device and not yet in a snapshot. */
export function records(snap, items) {
  const children = rowsOf(snap.children).map((child) => ({ ...child, state: "server" }));
  const needs = rowsOf(snap.needs).map((need) => ({ ...need, state: "server" }));
  const known = new Set(children.map((child) => child.id));
  const knownNeeds = new Set(needs.map((need) => need.id));
  for (const item of items) {
    const { change, result } = item;
    if (change.type === "child.create") {
      const id = result && result.id;
      if (!known.has(id) && ["pending", "sent", "decision", "rejected"].includes(item.state)) {
        children.unshift({ ...change.fields, id, code: result && result.code, client_id: change.client_id, commune: change.commune, state: item.state, key: item.key });
        for (const need of change.needs || []) needs.push({ ...need.fields, child_client_id: change.client_id, status: "", state: item.state });
      }
    } else if (change.type === "need.create" && ["pending", "sent", "decision", "rejected"].includes(item.state)) {
      if (!(result && knownNeeds.has(result.id))) {
        needs.push({ ...change.fields, child: change.child, child_client_id: change.child_client_id, status: "", state: item.state });
      }
    }
  }
  return { children, needs };
}

function needsOf(all, child) {
  return all.filter((need) => (child.id && need.child === child.id) || (child.client_id && need.child_client_id === child.client_id));
}

function communeOf(snap, code) {
  return snap.communes.find((commune) => commune.code === code);
}

function villageName(snap, communeCode, villageId) {
  const commune = communeOf(snap, communeCode);
  const village = commune && commune.villages.find(([id]) => id === Number(villageId));
  return village ? village[1] : "";
}

function stateTag(state) {
  return state === "server" ? null : h("span", { class: `tag tag--${state}` }, t(`state_${state}`));
}

// --- Forms -----------------------------------------------------------------------------------------------------

let fieldCount = 0;

function field(label, input, help) {
  const id = `f${++fieldCount}`;
  input.id = id;
  const wrap = h("div", { class: "field" }, h("label", { for: id }, label), input);
  if (help) {
    const helpId = `${id}-help`;
    input.setAttribute("aria-describedby", helpId);
    wrap.append(h("p", { class: "help", id: helpId }, help));
  }
  return wrap;
}

function select(name, choices, { blank, value } = {}) {
  return h(
    "select",
    { name },
    blank !== undefined ? h("option", { value: "" }, blank) : null,
    choices.map(([code, label]) => h("option", { value: code, selected: String(code) === String(value ?? "") }, label)),
  );
}

function text(name, attrs = {}) {
  return h("input", { type: "text", name, autocomplete: "off", ...attrs });
}

/** Show the problems of a form: a summary on top, each message beside its field; false when there are none. */
function showErrors(form, errors) {
  form.querySelectorAll(".error, .error-summary").forEach((node) => node.remove());
  form.querySelectorAll(".field--error").forEach((node) => node.classList.remove("field--error"));
  const entries = Object.entries(errors);
  if (!entries.length) return false;
  const summary = h("div", { class: "error-summary", tabindex: "-1", role: "alert" }, h("h2", {}, t("errors_title")), h("ul", {}, entries.map(([, message]) => h("li", {}, message))));
  for (const [name, message] of entries) {
    const input = form.querySelector(`[name="${name}"]`);
    const wrap = input && input.closest(".field");
    if (wrap) {
      wrap.classList.add("field--error");
      wrap.append(h("p", { class: "error" }, message));
    }
  }
  form.prepend(summary);
  summary.focus();
  return true;
}

function dayValue(form, name, errors, { required = true, notAfterToday = true } = {}) {
  const typed = form.elements[name].value.trim();
  if (!typed) {
    if (required) errors[name] = t("required");
    return null;
  }
  const day = parseDay(typed);
  if (day.error) errors[name] = t(`day_${day.error}`, { value: typed });
  else if (notAfterToday && day.iso > today()) errors[name] = t("day_future");
  return day.iso || null;
}

function countValue(form, name, errors, { min = 1 } = {}) {
  const typed = form.elements[name].value.trim();
  const number = parseCount(typed);
  if (number === null) errors[name] = t("count_invalid", { value: typed });
  else if (number < min) errors[name] = t("count_min", { min });
  return number;
}

function seasonFor(snap, category) {
  const kind = snap.choices.category_season_kind[category];
  const [year, month] = today().split("-").map(Number);
  if (kind === "W") return `W${month >= 7 ? year : year - 1}`;
  if (kind === "SY") return `SY${month >= 9 ? year : year - 1}`;
  return `Y${year}`;
}

function needFields(snap) {
  const choices = snap.choices;
  const unitCost = text("unit_cost", { inputmode: "numeric", "data-money": "" });
  const preview = h("p", { class: "help", id: `preview${++fieldCount}`, "data-label": t("money_preview") });
  const cost = field(t("unit_cost"), unitCost);
  unitCost.setAttribute("aria-describedby", preview.id);
  cost.append(preview);
  return h(
    "fieldset",
    {},
    h("legend", {}, t("need_legend")),
    field(t("category"), select("category", choices.category, { blank: t("choose") })),
    field(t("description"), text("description", { maxlength: 200 })),
    field(t("quantity"), text("quantity", { inputmode: "numeric", value: "1" })),
    cost,
    field(t("season"), select("season", choices.season, { blank: t("season_auto") })),
    field(t("priority"), select("priority", choices.priority, { value: 2 })),
    field(t("justification"), h("textarea", { name: "justification", rows: 2 })),
  );
}

function needValues(snap, form, errors) {
  const f = form.elements;
  const category = f.category.value;
  if (!category) errors.category = t("required");
  const quantity = countValue(form, "quantity", errors);
  const typedCost = f.unit_cost.value.trim();
  const unitCost = typedCost ? parseVnd(typedCost) : null;
  if (unitCost === null) errors.unit_cost = typedCost ? t("money_invalid", { value: typedCost }) : t("required");
  const justification = nfc(f.justification.value);
  if (!justification) errors.justification = t("required");
  return {
    category,
    description: nfc(f.description.value),
    quantity,
    unit_cost: unitCost,
    season: f.season.value || (category ? seasonFor(snap, category) : ""),
    priority: Number(f.priority.value),
    justification,
  };
}

/** A change the portal refused, to be typed again (params `from`): its values go back into the form, its messages
 * beside the fields; saving queues a new change (a new key) and drops the refused one. */
function refused(ctx) {
  const key = ctx.params.get("from");
  return (key && ctx.items.find((item) => item.key === key && item.state === "rejected")) || null;
}

function prefill(form, values, errors) {
  for (const [name, value] of Object.entries(values)) {
    const input = form.elements[name];
    if (!input || value === null || value === undefined) continue;
    if (input instanceof RadioNodeList) for (const radio of input) radio.checked = radio.value === String(value);
    else if (input.type === "checkbox") input.checked = Boolean(value);
    else input.value = typeof value === "number" && name !== "priority" && name !== "village" ? showCount(value) : String(value);
  }
  // The first need of a registration is on the same form: "needs.0.unit_cost" is the form's "unit_cost".
  const messages = Object.fromEntries(Object.entries(errors || {}).map(([name, list]) => [name.replace(/^needs\.0\./, ""), [list].flat().join(" ")]));
  showErrors(form, messages);
}

async function requeue(ctx, change, options) {
  const old = refused(ctx);
  if (old) await sync.discard(old);
  await sync.queue(change, options);
}

// --- Pages -----------------------------------------------------------------------------------------------------

function noData() {
  return h("p", { class: "empty" }, t("no_data"));
}

export function childrenPage(ctx) {
  const { snap, items, params } = ctx;
  if (!snap) return [h("h1", {}, t("children_title")), noData()];
  const { children, needs } = records(snap, items);
  const query = fold(params.get("q") || "");
  const commune = params.get("commune") || "";
  const shown = children.filter(
    (child) => (!commune || child.commune === commune) && (!query || fold(child.full_name).includes(query) || (child.code || "").includes(query)),
  );
  const limit = Number(params.get("n")) || PAGE;
  const search = h(
    "form",
    { class: "form-inline", role: "search", onsubmit: (event) => { event.preventDefault(); const data = new FormData(event.target); location.hash = `#/?${new URLSearchParams([...data].filter(([, v]) => v))}`; } },
    field(t("search"), text("q", { value: params.get("q") || "", type: "search" })),
    snap.communes.length > 1 ? field(t("commune"), select("commune", snap.communes.map((c) => [c.code, c.name]), { blank: t("all_communes"), value: commune })) : null,
    h("button", { type: "submit" }, t("filter")),
  );
  const rows = shown.slice(0, limit).map((child) => {
    const link = `#/child/${child.id || `c:${child.client_id}`}`;
    return h(
      "tr",
      {},
      h("td", { "data-label": t("code") }, child.code || "—"),
      h("td", { "data-label": t("full_name") }, h("a", { href: link }, child.full_name), stateTag(child.state)),
      h("td", { "data-label": t("birth_date") }, showDay(child.birth_date)),
      h("td", { "data-label": t("village") }, villageName(snap, child.commune, child.village)),
      h("td", { "data-label": t("needs"), class: "num" }, String(needsOf(needs, child).length)),
    );
  });
  return [
    h("h1", {}, t("children_title")),
    h("p", {}, h("a", { class: "button", href: "#/register" }, t("register_title"))),
    search,
    h("p", { role: "status" }, t("children_count", { count: showCount(shown.length) })),
    h(
      "div",
      { class: "table-scroll" },
      h("table", { class: "cards" }, h("thead", {}, h("tr", {}, [t("code"), t("full_name"), t("birth_date"), t("village"), t("needs")].map((label) => h("th", { scope: "col" }, label)))), h("tbody", {}, rows)),
    ),
    shown.length > limit ? h("p", {}, h("a", { href: `#/?${new URLSearchParams({ ...Object.fromEntries(params), n: limit + PAGE })}` }, t("show_more"))) : null,
  ];
}

const EDITABLE = ["draft", "returned"];

/** A need on the child's page; one still editable (a draft, or returned by the department) can be fixed here. */
function needItem(ctx, child, need) {
  const { snap, items } = ctx;
  const choices = snap.choices;
  const edits = items.filter((i) => i.change.type === "need.update" && i.change.id === need.id && i.state === "pending");
  const parts = [
    h("strong", {}, choiceLabel(choices.category, need.category)),
    ` — ${need.description || ""} — ${showCount(need.quantity)} × ${showCount(need.unit_cost)} đ — ${choiceLabel(choices.season, need.season)} `,
    need.status ? h("small", {}, choiceLabel(choices.need_status, need.status)) : null,
    stateTag(edits.length ? "pending" : need.state),
  ];
  if (need.return_reason) parts.push(h("p", { class: "help" }, t("return_reason", { reason: need.return_reason })));
  if (need.id && EDITABLE.includes(need.status) && !edits.length) {
    const form = h(
      "form",
      { novalidate: true },
      field(t("description"), text("description", { maxlength: 200, value: need.description || "" })),
      field(t("quantity"), text("quantity", { inputmode: "numeric", value: showCount(need.quantity) })),
      field(t("unit_cost"), text("unit_cost", { inputmode: "numeric", value: showCount(need.unit_cost) })),
      field(t("justification"), h("textarea", { name: "justification", rows: 2 }, need.justification || "")),
      need.status === "returned" ? h("div", { class: "field" }, h("label", { class: "choice" }, h("input", { type: "checkbox", name: "resubmit", checked: true }), ` ${t("resubmit")}`)) : null,
      h("button", { type: "submit" }, t("save_on_device")),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const errors = {};
      const f = form.elements;
      const typedCost = f.unit_cost.value.trim();
      const values = {
        description: nfc(f.description.value),
        quantity: countValue(form, "quantity", errors),
        unit_cost: parseVnd(typedCost),
        justification: nfc(f.justification.value),
      };
      if (values.unit_cost === null) errors.unit_cost = t("money_invalid", { value: typedCost });
      if (!values.justification) errors.justification = t("required");
      const fields = Object.fromEntries(Object.entries(values).filter(([name, value]) => value !== (need[name] ?? "")));
      if (!Object.keys(errors).length && !Object.keys(fields).length) errors.description = t("nothing_changed");
      if (showErrors(form, errors)) return;
      const change = { key: crypto.randomUUID(), type: "need.update", id: need.id, base_version: need.version, fields };
      const label = t("label_need_edit", { category: choiceLabel(choices.category, need.category), name: child.full_name });
      await sync.queue(change, { label });
      if (f.resubmit && f.resubmit.checked) {
        // Applied after the edit, so at the version the edit leads to (every change the server makes adds one).
        const submit = { key: crypto.randomUUID(), type: "need.transition", id: need.id, base_version: need.version + 1, action: "submit" };
        await sync.queue(submit, { label: `${label}: ${t("resubmit")}` });
      }
      ctx.flash(t("saved_on_device"));
      ctx.rerender();
    });
    parts.push(h("details", {}, h("summary", {}, t("edit_need")), form));
  }
  return h("li", { class: "card" }, parts);
}

function findChild(snap, items, ref) {
  const { children, needs } = records(snap, items);
  const child = ref.startsWith("c:") ? children.find((c) => c.client_id === ref.slice(2)) : children.find((c) => c.id === Number(ref));
  return child ? { child, needs: needsOf(needs, child) } : null;
}

export function childPage(ctx, ref) {
  const { snap, items } = ctx;
  if (!snap) return [noData()];
  const found = findChild(snap, items, ref);
  if (!found) return [h("h1", {}, t("not_on_device"))];
  const { child, needs } = found;
  const choices = snap.choices;
  const form = h("form", { novalidate: true }, needFields(snap), h("button", { type: "submit" }, t("add_need")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const errors = {};
    const fields = needValues(snap, form, errors);
    if (showErrors(form, errors)) return;
    const change = { key: crypto.randomUUID(), type: "need.create", client_id: crypto.randomUUID(), fields, submit: true };
    if (child.id) change.child = child.id;
    else change.child_client_id = child.client_id;
    await requeue(ctx, change, { label: t("label_need", { category: choiceLabel(choices.category, fields.category), name: child.full_name }) });
    ctx.flash(t("saved_on_device"));
    location.hash = `#/child/${ref}`;
  });
  const again = refused(ctx);
  if (again) prefill(form, again.change.fields, again.result.errors);
  return [
    h("p", { class: "crumbs" }, h("a", { href: "#/" }, t("children_title"))),
    h("h1", {}, child.full_name, " ", stateTag(child.state)),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("code")), h("dd", {}, child.code || t("code_after_sync")),
      h("dt", {}, t("birth_date")), h("dd", {}, showDay(child.birth_date)),
      h("dt", {}, t("sex")), h("dd", {}, choiceLabel(choices.sex, child.sex)),
      h("dt", {}, t("village")), h("dd", {}, villageName(snap, child.commune, child.village) || "—"),
    ),
    h("h2", {}, t("needs")),
    needs.length ? h("ul", { class: "outbox" }, needs.map((need) => needItem(ctx, child, need))) : h("p", { class: "empty" }, t("no_needs")),
    h("h2", {}, t("add_need")),
    form,
  ];
}

function possibleDuplicates(snap, items, fullName, birthDate) {
  const key = fold(fullName);
  return records(snap, items).children.filter((child) => fold(child.full_name) === key && child.birth_date === birthDate);
}

export function registerPage(ctx) {
  const { snap, items } = ctx;
  if (!snap) return [h("h1", {}, t("register_title")), noData()];
  const choices = snap.choices;
  const common = new Set(choices.common_ethnic_groups || []);
  const ethnic = [...choices.ethnic_group.filter(([code]) => common.has(code)), ...choices.ethnic_group.filter(([code]) => !common.has(code))];
  const villages = h("select", { name: "village" });
  const communeSelect = select("commune", snap.communes.map((c) => [c.code, c.name]));
  const fillVillages = () => {
    const commune = communeOf(snap, communeSelect.value);
    villages.replaceChildren(h("option", { value: "" }, t("no_village")), ...(commune ? commune.villages.map(([id, name]) => h("option", { value: id }, name)) : []));
  };
  communeSelect.addEventListener("change", fillVillages);
  fillVillages();
  const sex = h("fieldset", { class: "field" }, h("legend", {}, t("sex")), choices.sex.map(([code, label]) => h("label", { class: "choice" }, h("input", { type: "radio", name: "sex", value: code }), ` ${label}`)));
  const duplicates = h("div", {});
  const form = h(
    "form",
    { novalidate: true },
    h(
      "fieldset",
      {},
      h("legend", {}, t("child_legend")),
      snap.communes.length > 1 ? field(t("commune"), communeSelect) : null,
      field(t("village"), villages),
      field(t("full_name"), text("full_name", { maxlength: 120, autocomplete: "off" })),
      sex,
      field(t("birth_date"), text("birth_date", { inputmode: "numeric", placeholder: t("day_hint") }), t("day_hint")),
      field(t("ethnic_group"), select("ethnic_group", ethnic, { blank: t("choose") })),
      field(t("guardian_name"), text("guardian_name", { maxlength: 120 })),
      field(t("guardian_phone"), text("guardian_phone", { inputmode: "tel", maxlength: 20 })),
      h("div", { class: "field" }, h("label", { class: "choice" }, h("input", { type: "checkbox", name: "guardian_consents" }), ` ${t("guardian_consents")}`)),
      h("div", { class: "field" }, h("label", { class: "choice" }, h("input", { type: "checkbox", name: "child_consents" }), ` ${t("child_consents")}`)),
    ),
    needFields(snap),
    duplicates,
    h("button", { type: "submit" }, t("save_on_device")),
  );
  if (snap.communes.length === 1) form.append(h("input", { type: "hidden", name: "commune", value: snap.communes[0].code }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = form.elements;
    const errors = {};
    const fullName = nfc(f.full_name.value);
    if (!fullName) errors.full_name = t("required");
    if (!f.sex.value) errors.sex = t("required");
    const birthDate = dayValue(form, "birth_date", errors);
    if (birthDate && ageOn(birthDate, today()) > 17) errors.birth_date = t("too_old");
    if (!f.ethnic_group.value) errors.ethnic_group = t("required");
    const guardianName = nfc(f.guardian_name.value);
    if (f.guardian_consents.checked && !guardianName) errors.guardian_name = t("guardian_name_needed");
    const need = needValues(snap, form, errors);
    const sameChild = birthDate && fullName ? possibleDuplicates(snap, items, fullName, birthDate) : [];
    const confirmed = f.not_a_duplicate && f.not_a_duplicate.checked;
    if (sameChild.length && !confirmed) {
      errors.not_a_duplicate = t("duplicate_found");
      duplicates.replaceChildren(
        h("div", { class: "card" }, h("p", {}, t("duplicate_found")), h("ul", {}, sameChild.map((c) => h("li", {}, `${c.code || t("state_pending")} ${c.full_name} ${showDay(c.birth_date)}`))), h("div", { class: "field" }, h("label", { class: "choice" }, h("input", { type: "checkbox", name: "not_a_duplicate" }), ` ${t("not_a_duplicate")}`))),
      );
    }
    if (showErrors(form, errors)) return;
    const day = today();
    const consents = [];
    if (f.guardian_consents.checked) consents.push({ given_by: "guardian", giver_name: guardianName, purpose: "process_data", given_on: day });
    if (f.child_consents.checked) consents.push({ given_by: "child", giver_name: fullName, purpose: "process_data", given_on: day });
    const clientId = crypto.randomUUID();
    const change = {
      key: crypto.randomUUID(),
      type: "child.create",
      client_id: clientId,
      commune: f.commune.value,
      fields: {
        full_name: fullName,
        sex: f.sex.value,
        birth_date: birthDate,
        ethnic_group: f.ethnic_group.value,
        village: f.village.value ? Number(f.village.value) : null,
        guardian_name: guardianName,
        guardian_phone: nfc(f.guardian_phone.value),
      },
      needs: [{ client_id: crypto.randomUUID(), fields: need }],
      consents,
      not_a_duplicate: Boolean(confirmed),
      submit: true,
    };
    await requeue(ctx, change, { label: t("label_child", { name: fullName }) });
    ctx.flash(t("saved_on_device"));
    location.hash = `#/child/c:${clientId}`;
  });
  const again = refused(ctx);
  if (again) {
    const { change } = again;
    communeSelect.value = change.commune;
    fillVillages();
    const consents = new Set((change.consents || []).map((consent) => consent.given_by));
    const values = { ...change.fields, ...change.needs[0].fields, birth_date: showDay(change.fields.birth_date) };
    Object.assign(values, { guardian_consents: consents.has("guardian"), child_consents: consents.has("child") });
    prefill(form, values, again.result.errors);
  }
  return [h("h1", {}, t("register_title")), h("p", { class: "help" }, t("register_help")), form];
}

export function distributionsPage(ctx) {
  const { snap, items } = ctx;
  if (!snap) return [h("h1", {}, t("distributions_title")), noData()];
  const recorded = new Set(items.filter((i) => i.change.type === "distribution.record" && !["refused", "rejected"].includes(i.state)).map((i) => i.change.id));
  const lists = snap.distributions;
  return [
    h("h1", {}, t("distributions_title")),
    h("p", { class: "help" }, t("distributions_help")),
    lists.length
      ? h("ul", { class: "tiles" }, lists.map((list) => h("li", {}, h("a", { href: `#/distribution/${list.id}` }, list.title), h("br"), `${showDay(list.distributed_on)} · ${showCount(list.lines.rows.length)} ${t("lines")} `, recorded.has(list.id) ? stateTag("pending") : list.status === "draft" ? h("small", {}, t("not_printed")) : null)))
      : h("p", { class: "empty" }, t("no_distributions")),
  ];
}

async function readFile(file) {
  // Photos from a phone camera are several MB: scaled down so that the signed names stay legible.
  if (!file.type.startsWith("image/") || file.size < 400_000) return { bytes: await file.arrayBuffer(), type: file.type, name: file.name };
  const image = await createImageBitmap(file);
  const scale = Math.min(1, 2000 / Math.max(image.width, image.height));
  const canvas = new OffscreenCanvas(Math.round(image.width * scale), Math.round(image.height * scale));
  canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.8 });
  return { bytes: await blob.arrayBuffer(), type: "image/jpeg", name: file.name.replace(/\.\w+$/, "") + ".jpg" };
}

export function distributionPage(ctx, id) {
  const { snap, items } = ctx;
  if (!snap) return [noData()];
  const list = snap.distributions.find((d) => d.id === Number(id));
  if (!list) return [h("h1", {}, t("not_on_device"))];
  const { children, needs } = records(snap, items);
  const needById = new Map(needs.filter((n) => n.id).map((n) => [n.id, n]));
  const childById = new Map(children.filter((c) => c.id).map((c) => [c.id, c]));
  const lines = rowsOf(list.lines);
  const queued = items.find((i) => i.change.type === "distribution.record" && i.change.id === list.id && !["refused", "rejected"].includes(i.state));
  const head = [h("p", { class: "crumbs" }, h("a", { href: "#/distributions" }, t("distributions_title"))), h("h1", {}, list.title), h("p", {}, `${showDay(list.distributed_on)} · ${list.place || ""}`)];
  if (queued) return [...head, h("p", { class: "msg" }, t("distribution_queued")), stateTag(queued.state)];
  if (list.status !== "printed") return [...head, h("p", { class: "msg msg--error" }, t("not_printed"))];
  const rows = lines.map((line) => {
    const need = needById.get(line.need) || {};
    const child = childById.get(need.child);
    const who = child ? `${child.code} ${child.full_name}` : need.facility_name || `#${line.need}`;
    return h(
      "tr",
      {},
      h("td", { "data-label": t("recipient") }, who, h("br"), h("small", {}, choiceLabel(snap.choices.category, need.category))),
      h("td", { "data-label": t("planned"), class: "num" }, showCount(line.planned_quantity)),
      h("td", { "data-label": t("handed_over") }, h("label", { class: "choice" }, h("input", { type: "checkbox", name: `given-${line.id}`, checked: true }), ` ${t("yes")}`)),
      h("td", { "data-label": t("quantity") }, h("input", { type: "text", inputmode: "numeric", name: `quantity-${line.id}`, value: String(line.planned_quantity), "aria-label": `${t("quantity")} ${who}` })),
      h("td", { "data-label": t("children_reached") }, h("input", { type: "text", inputmode: "numeric", name: `reached-${line.id}`, value: String(need.beneficiary_count || 1), "aria-label": `${t("children_reached")} ${who}` })),
      h("td", { "data-label": t("reason") }, h("input", { type: "text", name: `reason-${line.id}`, maxlength: 250, "aria-label": `${t("reason")} ${who}` })),
    );
  });
  const form = h(
    "form",
    { novalidate: true },
    h("div", { class: "table-scroll" }, h("table", { class: "cards" }, h("thead", {}, h("tr", {}, [t("recipient"), t("planned"), t("handed_over"), t("quantity"), t("children_reached"), t("reason")].map((label) => h("th", { scope: "col" }, label)))), h("tbody", {}, rows))),
    field(t("handed_over_by"), text("handed_over_by", { maxlength: 160 })),
    field(t("scan"), h("input", { type: "file", name: "scan", accept: "image/*,application/pdf", capture: "environment" }), t("scan_help")),
    h("button", { type: "submit" }, t("record_list")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = form.elements;
    const errors = {};
    const outcomes = lines.map((line) => {
      const given = f[`given-${line.id}`].checked;
      if (!given) {
        const reason = nfc(f[`reason-${line.id}`].value);
        if (!reason) errors[`reason-${line.id}`] = t("reason_needed");
        return { id: line.id, handed_over: false, reason };
      }
      return { id: line.id, handed_over: true, quantity: countValue(form, `quantity-${line.id}`, errors), children_reached: countValue(form, `reached-${line.id}`, errors, { min: 0 }), reason: "" };
    });
    const handedOverBy = nfc(f.handed_over_by.value);
    if (!handedOverBy) errors.handed_over_by = t("required");
    const scan = f.scan.files[0];
    if (!scan) errors.scan = t("scan_needed");
    if (today() < list.distributed_on) errors.handed_over_by = t("too_early");
    if (showErrors(form, errors)) return;
    const { bytes, type, name } = await readFile(scan);
    const file = await sync.keepFile(bytes, type, name);
    const change = { key: crypto.randomUUID(), type: "distribution.record", id: list.id, base_version: list.version, handed_over_by: handedOverBy, lines: outcomes, scan: file.id };
    await requeue(ctx, change, { label: t("label_distribution", { title: list.title }), files: [file] });
    ctx.flash(t("saved_on_device"));
    location.hash = "#/outbox";
  });
  return [...head, form];
}

const shown = (value) => (value === null || value === undefined || value === "" ? "—" : typeof value === "number" ? showCount(value) : /^\d{4}-\d\d-\d\d$/.test(value) ? showDay(value) : String(value));

/** Both values of each field that differ, a choice per field (the portal's value chosen until the officer says
 * otherwise), resolved through the API. */
function conflictForm(fields, conflictId, item = null) {
  const form = h("form", { class: "conflict" });
  const rows = Object.entries(fields).map(([name, values]) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, values.label || name),
      h("td", { "data-label": t("mine") }, h("label", { class: "choice" }, h("input", { type: "radio", name, value: "mine" }), ` ${shown(values.mine)}`)),
      h("td", { "data-label": t("server") }, h("label", { class: "choice" }, h("input", { type: "radio", name, value: "server", checked: true }), ` ${shown(values.server)}`)),
    ),
  );
  const problem = h("p", { class: "error", role: "alert" });
  form.append(
    h("table", { class: "cards" }, h("thead", {}, h("tr", {}, h("th", {}, t("field")), h("th", {}, t("mine")), h("th", {}, t("server")))), h("tbody", {}, rows)),
    problem,
    h("button", { type: "submit" }, t("resolve")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const choice = Object.fromEntries(Object.keys(fields).map((name) => [name, form.elements[name].value]));
    problem.textContent = (await sync.resolve(conflictId, { fields: choice }, item).catch(() => t("offline_now"))) || "";
  });
  return form;
}

/** A decision waiting on the portal for a change this device does not hold (sent from another device or page). */
function conflictItem(conflict) {
  const parts = [h("strong", {}, `${t(`type_${conflict.change_type}`)} ${conflict.record_code || ""}`), " ", stateTag("decision")];
  if (conflict.kind === "fields") parts.push(h("p", {}, t("conflict_help")), conflictForm(conflict.fields, conflict.id));
  else parts.push(h("p", {}, t("decision_help")));
  if (conflict.url) parts.push(h("p", {}, h("a", { href: conflict.url }, t("open_conflict_page"))));
  return h("li", { class: "card", "data-state": "decision" }, parts);
}

function fixLink({ key, change }) {
  const from = `from=${key}`;
  if (change.type === "child.create") return `#/register?${from}`;
  if (change.type === "need.create") return `#/child/${change.child || `c:${change.child_client_id}`}?${from}`;
  if (change.type === "distribution.record") return `#/distribution/${change.id}?${from}`;
  return null;
}

function outboxItem(item) {
  const result = item.result || {};
  const parts = [h("strong", {}, item.label), " ", stateTag(item.state)];
  if (item.state === "sent" && result.code) parts.push(h("small", {}, ` ${t("code")}: ${result.code}`));
  if (item.state === "pending" && result.detail) parts.push(h("p", { class: "help" }, result.detail));
  if (item.state === "rejected") {
    const messages = Object.values(result.errors || {}).flat();
    parts.push(h("ul", { class: "error" }, messages.map((message) => h("li", {}, message))));
    const fix = fixLink(item);
    if (fix) parts.push(h("a", { href: fix }, t("fix_and_resend")), " · ");
    parts.push(h("button", { type: "button", class: "link", onclick: () => sync.discard(item) }, t("discard")));
  }
  if (item.state === "refused") {
    parts.push(h("p", { class: "error" }, result.detail || ""), h("button", { type: "button", class: "link", onclick: () => sync.discard(item) }, t("discard")));
  }
  if (item.state === "decision") {
    if (result.status === "conflict") parts.push(h("p", {}, t("conflict_help")), conflictForm(result.fields || {}, result.conflict, item));
    else parts.push(h("p", {}, t("decision_help")), h("ul", {}, (result.candidates || []).map((c) => h("li", {}, `${c.code} ${c.full_name} ${showDay(c.birth_date)}`))));
    if (result.url) parts.push(h("p", {}, h("a", { href: result.url }, t("open_conflict_page"))));
  }
  return h("li", { class: "card", "data-state": item.state }, parts);
}

export function outboxPage(ctx) {
  const { items } = ctx;
  const mine = new Set(items.map((i) => i.key));
  const elsewhere = ctx.conflicts.filter((conflict) => !mine.has(conflict.change_key)).map(conflictItem);
  const groups = [
    ["decide_title", items.filter((i) => ["decision", "rejected", "refused"].includes(i.state)).map(outboxItem), elsewhere],
    ["pending_title", items.filter((i) => i.state === "pending").map(outboxItem)],
    ["sent_title", items.filter((i) => ["sent", "resolved"].includes(i.state)).reverse().map(outboxItem)],
  ].map(([title, ...lists]) => [title, lists.flat()]);
  const status = sync.status;
  return [
    h("h1", {}, t("outbox_title")),
    h(
      "p",
      {},
      h("button", { type: "button", onclick: () => sync.syncNow().catch(() => undefined), disabled: !navigator.onLine }, t("send_now")),
      " ",
      status.lastSync ? h("small", {}, t("last_sync", { time: showTime(status.lastSync) })) : null,
    ),
    status.loggedOut ? h("p", { class: "msg msg--error" }, t("log_in_again"), " ", h("a", { href: `${ctx.urls.login}?next=${encodeURIComponent(ctx.urls.shell)}` }, t("log_in"))) : null,
    ...groups.map(([title, list]) =>
      h("section", { "aria-labelledby": title }, h("h2", { id: title }, t(title), ` (${list.length})`), list.length ? h("ul", { class: "outbox" }, list) : h("p", { class: "empty" }, t("nothing"))),
    ),
  ];
}
