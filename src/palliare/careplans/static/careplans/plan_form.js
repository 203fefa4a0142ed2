// The care-plan form: focus the error summary after a failed save (GOV.UK / NL Design System
// pattern), and mark the part of the plan in view in the section navigation. The page works
// without this script: the summary is at the top, the navigation links are plain anchors.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // A link in the summary moves the focus to the field itself, not only the scroll position.
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      const row = field.closest(".form-row") || field;
      row.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  }

  const nav = document.querySelector("[data-plan-nav]");
  if (!nav || !("IntersectionObserver" in window)) return;
  const links = new Map();
  nav.querySelectorAll("a[data-section]").forEach((link) => links.set(link.dataset.section, link));
  const mark = (slug) => {
    links.forEach((link, key) => {
      if (key === slug) {
        link.setAttribute("aria-current", "location");
        link.scrollIntoView({ block: "nearest", inline: "nearest" });
      } else {
        link.removeAttribute("aria-current");
      }
    });
  };
  const visible = new Set();
  const parts = Array.from(document.querySelectorAll("[data-part]"));
  const observer = new IntersectionObserver(
    (entries) => {
      entries.forEach((entry) => {
        if (entry.isIntersecting) visible.add(entry.target);
        else visible.delete(entry.target);
      });
      const first = parts.find((part) => visible.has(part));
      if (first) mark(first.dataset.part);
    },
    { rootMargin: "-20% 0px -60% 0px" },
  );
  parts.forEach((part) => observer.observe(part));
  nav.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-section]");
    if (link) mark(link.dataset.section);
  });
});
