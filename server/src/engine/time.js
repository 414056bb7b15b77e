"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ZONE_ABBREVIATIONS = exports.parseTimeQuery = exports.formatWall = exports.formatDuration = exports.daysFromCivil = exports.DAY_MS = void 0;
exports.monthFromBytes = monthFromBytes;
// Calendar arithmetic on bytes (hot path) and zone abbreviations; the time queries and formatting
// shared with the client live in common/time.ts.
var time_1 = require("../../../common/time");
Object.defineProperty(exports, "DAY_MS", { enumerable: true, get: function () { return time_1.DAY_MS; } });
Object.defineProperty(exports, "daysFromCivil", { enumerable: true, get: function () { return time_1.daysFromCivil; } });
Object.defineProperty(exports, "formatDuration", { enumerable: true, get: function () { return time_1.formatDuration; } });
Object.defineProperty(exports, "formatWall", { enumerable: true, get: function () { return time_1.formatWall; } });
Object.defineProperty(exports, "parseTimeQuery", { enumerable: true, get: function () { return time_1.parseTimeQuery; } });
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Month number 1–12 of a three-letter English month name at `buf[p]`, or 0. */
function monthFromBytes(buf, p) {
    if (p + 3 > buf.length)
        return 0;
    const s = String.fromCharCode(buf[p] | 0x20, buf[p + 1] | 0x20, buf[p + 2] | 0x20);
    return MONTHS.indexOf(s) + 1;
}
/** Offsets of zone abbreviations that tables exported from web consoles write (`CEST`). */
exports.ZONE_ABBREVIATIONS = {
    UTC: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, BST: 60, IST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120,
    EET: 120, EEST: 180, MSK: 180, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360,
    PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600, JST: 540, KST: 540, AEST: 600, AEDT: 660,
};
//# sourceMappingURL=time.js.map