// The story page's discussion panel and presence bar. The panel's buttons post their fields
// with fetch and swap in the panel the server answers; presence beats every ~20 s. If any of
// it fails, the story form works as before.
(function () {
  "use strict";
  var panel = document.getElementById("discussion");
  var bar = document.getElementById("newsroom-presence");
  if (!panel || !window.fetch) return;

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function load() {
    fetch(panel.dataset.url, { credentials: "same-origin", headers: { "X-Newsroom": "1" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { panel.innerHTML = html; })
      .catch(function () {
        panel.querySelector(".newsroom-loading").textContent = "The discussion could not be loaded.";
      });
  }

  function fieldsFor(button) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf());
    var scope = button.closest(".newsroom-thread, .newsroom-new-thread, .newsroom-previews, .comment") || panel;
    scope.querySelectorAll("[data-field]").forEach(function (field) {
      if (field.closest(".comment") && !button.closest(".comment")) return; // another box's
      if (field.type === "checkbox") { if (field.checked) data.append(field.dataset.field, "on"); }
      else data.append(field.dataset.field, field.value);
    });
    return data;
  }

  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-newsroom]");
    if (!button) return;
    event.preventDefault();
    button.disabled = true;
    fetch(button.dataset.action, {
      method: "POST", credentials: "same-origin", body: fieldsFor(button),
      headers: { "X-Newsroom": "1" },
    }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (type.indexOf("json") !== -1) {
        return r.json().then(function (data) {
          var error = panel.querySelector(".newsroom-error");
          error.textContent = data.error || "That did not work.";
          error.hidden = false;
          button.disabled = false;
        });
      }
      return r.text().then(function (html) { panel.innerHTML = html; });
    }).catch(function () { button.disabled = false; });
  });

  // @mention autocomplete: a datalist-like menu under the text box.
  var menu = document.createElement("ul");
  menu.className = "newsroom-mentions";
  menu.setAttribute("role", "listbox");
  menu.hidden = true;
  document.body.appendChild(menu);
  var target = null;
  var asked = 0; // only the latest question's answer may open the menu
  panel.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("newsroom-mentionable")) return;
    var before = box.value.slice(0, box.selectionStart);
    var match = /(^|[^\w@.])@([\w.+-]*)$/.exec(before);
    var question = ++asked;
    if (!match) { menu.hidden = true; return; }
    target = box;
    fetch(panel.dataset.mentionsUrl + "?q=" + encodeURIComponent(match[2]), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (question !== asked) return;
        menu.innerHTML = "";
        data.users.forEach(function (user) {
          var item = document.createElement("li");
          item.setAttribute("role", "option");
          item.dataset.username = user.username;
          item.textContent = user.name + " (@" + user.username + ")";
          menu.appendChild(item);
        });
        var rect = box.getBoundingClientRect();
        menu.style.left = (window.scrollX + rect.left) + "px";
        menu.style.top = (window.scrollY + rect.bottom) + "px";
        menu.hidden = !data.users.length;
      }).catch(function () { menu.hidden = true; });
  });
  panel.addEventListener("focusout", function () { asked += 1; menu.hidden = true; });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { asked += 1; menu.hidden = true; }
  });
  menu.addEventListener("mousedown", function (event) {
    var item = event.target.closest("li");
    if (!item || !target) return;
    event.preventDefault();
    var before = target.value.slice(0, target.selectionStart).replace(/@[\w.+-]*$/, "@" + item.dataset.username + " ");
    target.value = before + target.value.slice(target.selectionStart);
    menu.hidden = true;
    target.focus();
  });

  load();

  // Presence: who else has the story open, and a warning before two people edit one section.
  if (!bar) return;
  var section = "";
  var sectionBox = null; // the section being edited: the warning is shown there too
  var inline = document.createElement("p");
  inline.className = "presence-warning presence-warning-inline";
  inline.setAttribute("role", "alert");
  var others = [];
  var every = 20; // seconds; the server says how often
  function sectionOf(element) {
    var box = element.closest && element.closest(".inline-related");
    var key = box && box.querySelector("input[name$='-key']");
    var heading = box && box.querySelector(".section-heading, h3 b, h3");
    return key ? key.value : (heading ? heading.textContent.trim() : "");
  }
  function render() {
    var people = bar.querySelector(".presence-people");
    people.innerHTML = "";
    others.forEach(function (person) {
      var chip = document.createElement("abbr");
      chip.className = "presence-chip";
      chip.title = person.name + (person.section ? " (editing " + person.section + ")" : "");
      chip.textContent = person.initials;
      people.appendChild(chip);
    });
    bar.hidden = !others.length;
    var clash = section && others.filter(function (p) { return p.section === section; });
    var warning = bar.querySelector(".presence-warning");
    if (clash && clash.length) {
      warning.textContent = clash.map(function (p) { return p.name; }).join(", ") +
        " is editing this section too: agree who writes it before you save.";
      warning.hidden = false;
      inline.textContent = warning.textContent;
      if (sectionBox && inline.parentNode !== sectionBox) sectionBox.prepend(inline);
    } else {
      warning.hidden = true;
      inline.remove();
    }
  }
  function beat() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf());
    data.append("section", section);
    return fetch(bar.dataset.url, { method: "POST", credentials: "same-origin", body: data })
      .then(function (r) { return r.ok ? r.json() : { others: [] }; })
      .then(function (answer) {
        others = answer.others || [];
        if (answer.every) every = answer.every;
        render();
      })
      .catch(function () {});
  }
  document.addEventListener("focusin", function (event) {
    if (panel.contains(event.target)) return;
    var now = sectionOf(event.target);
    if (now !== section) {
      section = now;
      sectionBox = now ? event.target.closest(".inline-related") : null;
      beat();
    }
  });
  function loop() {
    beat().then(function () { window.setTimeout(loop, every * 1000); });
  }
  loop();
})();
