/* The story page: errors where the eye is, a warning before unsaved text is lost, autosave of a
 * draft through the same save as the button, drag and drop (SortableJS) to order parts, parts
 * that fold, counts against the template's limits, a Markdown toolbar and a live preview
 * (htmx, rendered by the server exactly as the public page renders).
 *
 * Everything here is an aid: without JavaScript the form still saves, orders by its "order"
 * fields and shows its errors.
 */
function storyForm() {
  "use strict";

  const form = document.getElementById("story_form");
  const editor = document.getElementById("story-editor");
  if (!form || !editor) return;

  const AUTOSAVE_SECONDS = 30;
  const SORTABLE = ["byline_links", "citations", "faq_items", "entity_links", "pictures"];
  const FOLDABLE = ["citations", "faq_items", "pictures"];
  const OPEN_WHEN_AT_MOST = 5;
  const status = document.getElementById("save-status");
  const limits = JSON.parse(editor.dataset.partLimits || "{}") || {};
  const csrf = () => (form.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";

  // --- Errors where the eye is --------------------------------------------------------------
  const errors = document.getElementById("form-errors");
  if (errors) {
    errors.scrollIntoView({ block: "start" });
    errors.focus({ preventScroll: true });
  }

  // --- Unsaved changes ----------------------------------------------------------------------
  let edits = 0; // bumped by every edit; an autosave clears only what it sent
  let savedEdits = 0;
  let submitting = false;
  const dirty = () => edits !== savedEdits;
  // Only fields the form sends count (the checklist's note box, for one, is not the story's).
  const changed = (event) => { if (!event || !event.target || event.target.name) edits += 1; };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty() && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  const say = (text, kind) => {
    if (!status) return;
    status.textContent = text;
    status.className = "save-status" + (kind ? " " + kind : "");
  };

  // --- Autosave -------------------------------------------------------------------------------
  let autosaving = editor.dataset.autosave === "on" && editor.dataset.autosaveUrl;
  let inFlight = false;

  function adoptSaved(result) {
    const version = form.querySelector("[name=loaded_version]");
    if (version) version.value = result.version;
    const added = {};
    Object.entries(result.new_parts || {}).forEach(([prefix, pk]) => {
      const id = form.querySelector(`[name="${prefix}-id"]`);
      if (id) id.value = pk;
      const formset = prefix.replace(/-\d+$/, "");
      added[formset] = (added[formset] || 0) + 1;
    });
    // New rows are now saved ones: the formset counts them as initial forms from here on.
    Object.entries(added).forEach(([formset, count]) => {
      const initial = form.querySelector(`[name="${formset}-INITIAL_FORMS"]`);
      if (initial) initial.value = String(Number(initial.value) + count);
    });
  }

  async function autosave(reason) {
    if (!autosaving || inFlight || !dirty() || submitting) return;
    if (form.querySelector('input[name$="-DELETE"]:checked')) {
      say("Deleting parts waits for you to press Save.", "quiet");
      return;
    }
    inFlight = true;
    const sent = edits;
    const data = new FormData(form);
    data.set("_continue", "1");
    say("Saving…", "quiet");
    try {
      const response = await fetch(editor.dataset.autosaveUrl, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      const result = await response.json();
      if (result.saved) {
        adoptSaved(result);
        savedEdits = sent;
        say(`Draft saved at ${result.at} (version ${result.version}).`, "ok");
      } else if (response.status === 409 || response.status === 403) {
        autosaving = false; // someone else's newer version: never overwrite it
        say((result.errors || []).join(" ") + " Autosave is off: copy your text, then reload.", "error");
      } else {
        say("Not autosaved yet: " + (result.errors || ["check the form"])[0], "warning");
      }
    } catch (error) {
      say("Not autosaved (no connection?). Your text is still here; press Save to try.", "warning");
    } finally {
      inFlight = false;
    }
  }

  if (autosaving) {
    window.setInterval(() => autosave("interval"), AUTOSAVE_SECONDS * 1000);
    let blurTimer = null;
    form.addEventListener("focusout", () => {
      window.clearTimeout(blurTimer);
      blurTimer = window.setTimeout(() => autosave("blur"), 800);
    });
    editor.autosaveNow = () => autosave("test"); // for the browser tests
  }

  // --- Parts: order by dragging, fold, count -------------------------------------------------
  const rowsOf = (prefix) => {
    const group = document.getElementById(`${prefix}-group`);
    if (!group) return [];
    return Array.from(group.querySelectorAll(".inline-related, tr.form-row")).filter(
      (row) => row.id && row.id.startsWith(prefix + "-") && !row.classList.contains("empty-form")
    );
  };

  function renumber(prefix) {
    rowsOf(prefix).forEach((row, index) => {
      const order = row.querySelector('[name$="-order"]');
      if (order && order.value !== String(index)) {
        order.value = String(index);
        changed();
      }
    });
  }

  function addHandle(row, prefix) {
    if (row.querySelector(".part-handle")) return;
    const handle = document.createElement("span");
    handle.className = "part-handle";
    handle.innerHTML =
      '<span class="drag-handle" title="Drag to reorder" aria-hidden="true">⠿</span>' +
      '<button type="button" class="move-up" aria-label="Move up">↑</button>' +
      '<button type="button" class="move-down" aria-label="Move down">↓</button>';
    const where = row.querySelector("h3") || row.querySelector("td");
    if (where) where.prepend(handle);
    handle.querySelector(".move-up").addEventListener("click", () => move(row, prefix, -1));
    handle.querySelector(".move-down").addEventListener("click", () => move(row, prefix, 1));
  }

  function move(row, prefix, step) {
    const rows = rowsOf(prefix);
    const at = rows.indexOf(row);
    const other = rows[at + step];
    if (!other) return;
    if (step < 0) other.before(row); else other.after(row);
    renumber(prefix);
    row.querySelector(step < 0 ? ".move-up" : ".move-down").focus();
  }

  function countLabel(prefix) {
    const group = document.getElementById(`${prefix}-group`);
    const heading = group && group.querySelector("h2");
    if (!heading) return;
    let badge = heading.querySelector(".part-count");
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "part-count";
      heading.append(" ", badge);
    }
    const count = rowsOf(prefix).filter(
      (row) => !(row.querySelector('input[name$="-DELETE"]') || {}).checked
    ).length;
    const [least, most] = limits[prefix] || [0, null];
    let range = "";
    if (least && most) range = ` of ${least}–${most}`;
    else if (least) range = ` of at least ${least}`;
    else if (most) range = ` of at most ${most}`;
    badge.textContent = `${count}${range}`;
    const off = (least && count < least) || (most && count > most);
    badge.classList.toggle("off-limits", Boolean(off));
  }

  function fold(row, open) {
    row.classList.toggle("folded", !open);
    const button = row.querySelector(".fold");
    if (button) {
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Fold" : "Unfold";
    }
  }

  function addFold(row) {
    const heading = row.querySelector("h3");
    if (!heading || heading.querySelector(".fold")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "fold";
    button.addEventListener("click", () => fold(row, row.classList.contains("folded")));
    heading.append(button);
  }

  function setUpPart(prefix) {
    const group = document.getElementById(`${prefix}-group`);
    if (!group) return;
    const rows = rowsOf(prefix);
    rows.forEach((row) => addHandle(row, prefix));
    if (FOLDABLE.includes(prefix)) {
      const open = rows.length <= OPEN_WHEN_AT_MOST;
      rows.forEach((row) => { addFold(row); fold(row, open); });
    }
    const container = (rows[0] && rows[0].parentElement) ||
      group.querySelector("tbody") || group.querySelector("fieldset");
    if (window.Sortable && container) {
      window.Sortable.create(container, {
        handle: ".drag-handle",
        draggable: ".inline-related:not(.empty-form), tr.form-row:not(.empty-form)",
        animation: 120,
        onEnd: () => renumber(prefix),
      });
    }
    countLabel(prefix);
  }

  SORTABLE.forEach(setUpPart);
  Object.keys(limits).forEach(countLabel);

  document.addEventListener("formset:added", (event) => {
    const prefix = event.detail && event.detail.formsetName;
    const row = event.target;
    if (!SORTABLE.includes(prefix) || !row) return;
    addHandle(row, prefix);
    if (FOLDABLE.includes(prefix)) { addFold(row); fold(row, true); }
    renumber(prefix);
    countLabel(prefix);
    setUpMarkdown(row);
  });
  document.addEventListener("formset:removed", (event) => {
    const prefix = event.detail && event.detail.formsetName;
    if (SORTABLE.includes(prefix)) { renumber(prefix); countLabel(prefix); }
  });

  // --- Destructive actions ask first ---------------------------------------------------------
  form.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.matches('input[name$="-DELETE"]')) return;
    const row = box.closest(".inline-related, tr.form-row");
    const prefix = box.name.split("-")[0];
    if (box.checked && row) {
      const hasText = Array.from(row.querySelectorAll("textarea, input[type=text], input[type=url]"))
        .some((field) => field.value.trim());
      if (hasText && !window.confirm("Delete this part and its text when you save?")) {
        box.checked = false;
      }
    }
    countLabel(prefix);
  });

  // --- Markdown toolbar and live preview -----------------------------------------------------
  const TOOLS = [
    ["B", "Bold", (s) => `**${s || "bold text"}**`],
    ["I", "Italic", (s) => `*${s || "italic text"}*`],
    ["Link", "Link", (s) => `[${s || "link text"}](https://)`],
    ["• List", "Bulleted list", (s) => (s || "item").split("\n").map((l) => `- ${l}`).join("\n")],
    ["H", "Heading", (s) => `### ${s || "Heading"}`],
    ["❝", "Quote", (s) => (s || "quote").split("\n").map((l) => `> ${l}`).join("\n")],
  ];
  const MARKDOWN = /^(sections-\d+-body|faq_items-\d+-answer|section_body__\d+__[\w-]+)$/;
  let previews = 0;

  function applyTool(textarea, wrap) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const chosen = textarea.value.slice(start, end);
    const text = wrap(chosen);
    textarea.setRangeText(text, start, end, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setUpMarkdown(root) {
    root.querySelectorAll("textarea").forEach((textarea) => {
      if (!MARKDOWN.test(textarea.name) || textarea.dataset.markdown) return;
      textarea.dataset.markdown = "on";
      const bar = document.createElement("div");
      bar.className = "markdown-toolbar";
      bar.setAttribute("role", "toolbar");
      bar.setAttribute("aria-label", "Formatting");
      TOOLS.forEach(([label, title, wrap]) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.title = title;
        button.setAttribute("aria-label", title);
        button.addEventListener("click", () => applyTool(textarea, wrap));
        bar.append(button);
      });
      previews += 1;
      const preview = document.createElement("div");
      preview.id = `markdown-preview-${previews}`;
      preview.className = "markdown-preview story-text";
      preview.setAttribute("aria-live", "polite");
      preview.setAttribute("aria-label", "Preview as readers will see it");
      // One block where the textarea was: the toolbar above, the text and its preview beside.
      const wrapper = document.createElement("div");
      wrapper.className = "markdown-editor";
      const pair = document.createElement("div");
      pair.className = "markdown-pair";
      textarea.before(wrapper);
      wrapper.append(bar, pair);
      pair.append(textarea, preview);
      if (window.htmx && editor.dataset.previewUrl) {
        textarea.setAttribute("hx-post", editor.dataset.previewUrl);
        // A section shows its preview at once; a FAQ answer once it is worked on.
        const first = textarea.name.startsWith("faq_items-") ? "focus once" : "load";
        textarea.setAttribute("hx-trigger", `input changed delay:400ms, ${first}`);
        textarea.setAttribute("hx-target", `#${preview.id}`);
        textarea.setAttribute("hx-params", textarea.name);
        textarea.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": csrf() }));
        textarea.setAttribute("hx-sync", "this:replace");
        window.htmx.process(textarea);
      }
    });
  }

  if (!form.classList.contains("readonly")) setUpMarkdown(form);

  // --- Before the first save: the chosen template's sections ---------------------------------
  const templateSelect = form.querySelector("select[name=template]");
  const drafts = form.querySelectorAll(".sections-before-saving");
  function showTemplateSections() {
    drafts.forEach((fieldset) => {
      fieldset.hidden = templateSelect && fieldset.dataset.template !== templateSelect.value;
    });
  }
  if (templateSelect && drafts.length) {
    templateSelect.addEventListener("change", showTemplateSections);
    showTemplateSections();
  }

  // --- The checklist leads to the field each item is about ----------------------------------
  function rowOf(prefix, pk) {
    const id = form.querySelector(`input[name^="${prefix}-"][name$="-id"][value="${pk}"]`);
    return id && id.closest(".inline-related, tr.form-row");
  }

  function fieldFor(target, label) {
    if (target === "headline" || target === "summary") return document.getElementById(`id_${target}`);
    if (target === "dateline") return document.getElementById("id_dateline_place");
    if (target === "entities") return document.querySelector("#entity_links-group");
    const part = target.match(/^(faq|citation):(\d+)$/);
    if (part) {
      const row = rowOf(part[1] === "faq" ? "faq_items" : "citations", part[2]);
      return row && row.querySelector("input[type=text], textarea, select");
    }
    const entity = target.match(/^entity:(\d+)$/);
    if (entity) {
      const select = Array.from(form.querySelectorAll('select[name^="entity_links-"][name$="-entity"]'))
        .find((field) => field.value === entity[1]);
      return select || document.querySelector("#entity_links-group");
    }
    // A section, by its heading.
    const heading = Array.from(form.querySelectorAll("#sections-group .section-heading"))
      .find((strong) => strong.textContent.trim() === label);
    const row = heading && heading.closest(".inline-related");
    if (!row) return null;
    const body = row.querySelector("textarea");
    if (body) return body;
    const items = row.querySelector(".help a[href^='#']"); // a section whose items are below
    return items ? document.querySelector(items.getAttribute("href")) : row;
  }

  document.querySelectorAll("#checklist .checklist-go").forEach((link) => {
    link.addEventListener("click", (event) => {
      const field = fieldFor(link.dataset.target, link.textContent.trim());
      if (!field) return; // the story as a whole: stay on the checklist
      event.preventDefault();
      const row = field.closest(".inline-related");
      if (row && row.classList.contains("folded")) fold(row, true);
      field.scrollIntoView({ block: "center" });
      if (!field.matches("input, textarea, select")) field.setAttribute("tabindex", "-1");
      field.focus({ preventScroll: true });
    });
  });
  document.querySelectorAll("#checklist .checklist-note").forEach((note) => {
    note.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault(); // never the story's Save
      note.closest("details").querySelector(".checklist-accept-button").click();
    });
  });

  // --- Names for screen readers -----------------------------------------------------------
  // A tabular inline's inputs are labelled only by their column's heading: name each one.
  function labelTabular(root) {
    root.querySelectorAll(".tabular table").forEach((table) => {
      const headings = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
      table.querySelectorAll("tbody tr.form-row").forEach((row, index) => {
        Array.from(row.children).forEach((cell, column) => {
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((field) => {
            if (field.labels && field.labels.length) return;
            if (field.getAttribute("aria-label")) return;
            const heading = field.name.endsWith("-DELETE") ? "Delete" : headings[column] || field.name;
            field.setAttribute("aria-label", `${heading} (row ${index + 1})`);
          });
        });
      });
    });
  }
  labelTabular(form);
  document.addEventListener("formset:added", () => labelTabular(form));
}

// The admin loads its media in the page's head, before the form exists.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", storyForm);
} else {
  storyForm();
}
