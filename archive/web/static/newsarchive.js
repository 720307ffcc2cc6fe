// Dates in the reader's own time zone and language; the page shows the archive's ISO date until this runs.
document.addEventListener("DOMContentLoaded", () => {
  for (const element of document.querySelectorAll("time.local-time")) {
    const value = element.getAttribute("datetime") || "";
    if (!value.includes("T")) continue; // a date alone has no time zone to convert from
    const moment = new Date(value);
    if (Number.isNaN(moment.getTime())) continue;
    element.title = value;
    element.textContent = moment.toLocaleString(undefined, {
      year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short",
    });
  }
});
