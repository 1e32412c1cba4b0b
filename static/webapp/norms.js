// Vietnamese input norms on the device, the same as the server's (portal/dates.py, portal/numbers.py,
// portal/text.py): dates dd/mm/yyyy, counts grouped with dots, text in NFC. The server reads everything again.

export const nfc = (text) => String(text ?? "").normalize("NFC").replace(/\s+/g, " ").trim();

const LOOKALIKES = { "\u00d0": "D", "\u00f0": "d", "\u0189": "D", "\u0256": "d", "Đ": "D", "đ": "d" };

/** 'Giàng Thị Mỷ' → 'giang thi my', for search and duplicate checks (portal.text.fold). */
export function fold(text) {
  return String(text ?? "")
    .replace(/[\u00d0\u00f0\u0189\u0256Đđ]/g, (ch) => LOOKALIKES[ch])
    .normalize("NFD")
    .replace(/\p{Mn}/gu, "")
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

const DAY_FIRST = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d+)$/;

/** "25/12/2026" → {iso: "2026-12-25"} or {error: code} (codes as portal.dates: invalid, year, month_first, no_such_day). */
export function parseDay(typed) {
  const match = DAY_FIRST.exec(nfc(typed));
  if (!match) return { error: "invalid" };
  const [day, month] = [Number(match[1]), Number(match[2])];
  if (match[3].length !== 4) return { error: "year" };
  const year = Number(match[3]);
  if (month > 12 && day <= 12) return { error: "month_first" };
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { error: "no_such_day" };
  }
  return { iso: `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` };
}

/** "2026-12-25" → "25/12/2026". */
export const showDay = (iso) => (iso ? iso.slice(0, 10).split("-").reverse().join("/") : "");

/** A moment as people read it: "25/12/2026 14:05". */
export function showTime(ms) {
  const at = new Date(ms);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(at.getDate())}/${two(at.getMonth() + 1)}/${at.getFullYear()} ${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** Today on the device, ISO. */
export function today() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

const GROUPED = /^(\d+|\d{1,3}(\.\d{3})+|\d{1,3}( \d{3})+|\d{1,3}(,\d{3}){2,})$/;

/** "1.000" → 1000; "10,5" or "1.00" → null (portal.numbers.read_grouped). */
export function parseCount(typed) {
  const text = nfc(String(typed).replace(/[\u00a0\u202f\u2009]/g, " "));
  return GROUPED.test(text) ? Number(text.replace(/[., ]/g, "")) : null;
}

/** 1250000 → "1.250.000". */
export const showCount = (n) => (n === null || n === undefined ? "" : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."));

/** Đồng typed by people, with the portal's own reader (static/js/money.js). */
export const parseVnd = (typed) => window.portalMoney.parseVnd(typed);

/** Whole years between an ISO birth date and an ISO day. */
export function ageOn(birth, on) {
  const [by, bm, bd] = birth.split("-").map(Number);
  const [y, m, d] = on.split("-").map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
