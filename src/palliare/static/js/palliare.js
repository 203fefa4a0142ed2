// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details.user-menu[open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // The main menu on narrow screens: a button opens and closes it (the CSS shows the button
  // only below 800px and only once this has run; without JavaScript the whole menu shows).
  const header = document.querySelector(".site-header");
  const navToggle = document.querySelector("[data-nav-toggle]");
  const nav = document.getElementById("main-nav");
  if (header && navToggle && nav) {
    const setOpen = (open) => {
      navToggle.setAttribute("aria-expanded", String(open));
      if (open) nav.removeAttribute("data-collapsed");
      else nav.setAttribute("data-collapsed", "");
    };
    setOpen(false);
    header.classList.add("site-header--collapsible");
    navToggle.addEventListener("click", () => {
      setOpen(navToggle.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && window.matchMedia("(max-width: 800px)").matches) {
        setOpen(false);
        navToggle.focus();
      }
    });
  }

  // Formsets: "add another row" clones the empty form (without JavaScript the form always
  // offers blank rows, and saving offers new ones).
  document.querySelectorAll("[data-formset-add]").forEach((button) => {
    const prefix = button.dataset.formsetAdd;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
    const template = document.querySelector(`template[data-formset-template="${prefix}"]`);
    const rows = document.querySelector(`[data-formset-rows="${prefix}"]`);
    if (!total || !template || !rows) return;
    const limit = max ? parseInt(max.value, 10) : 1000;
    const update = () => {
      button.disabled = parseInt(total.value, 10) >= limit;
    };
    button.hidden = false;
    update();
    button.addEventListener("click", () => {
      const index = parseInt(total.value, 10);
      if (index >= limit) return;
      const html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      update();
      const added = rows.lastElementChild;
      const first = added && added.querySelector("input, select, textarea");
      if (first) first.focus();
    });
  });
});
