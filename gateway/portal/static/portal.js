// Progressive enhancement only: every journey works without this file (no inline script: CSP).
(function () {
  "use strict";

  // "Afficher le mot de passe": a toggle button next to each password field.
  document.querySelectorAll("[data-show-password]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-show-password"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var shown = input.type === "text";
      input.type = shown ? "password" : "text";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
      button.textContent = shown ? "Afficher le mot de passe" : "Masquer le mot de passe";
    });
  });

  // CHOISIR SON MOT DE PASSE: the bubbles follow what is typed; the list is a polite live region
  // and each bubble says its state in words ("respecté"), not by colour alone.
  var RULES = {
    length: function (p) { return p.length >= 10 && p.length <= 64; },
    digit: function (p) { return /[0-9]/.test(p); },
    lower: function (p) { return /[a-z]/.test(p); },
    upper: function (p) { return /[A-Z]/.test(p); },
    alnum: function (p) { return p.length > 0 && /^[A-Za-z0-9]+$/.test(p); }
  };
  function show(item, ok) {
    item.classList.toggle("ok", ok);
    item.classList.toggle("ko", !ok);
    item.querySelector(".rule-state").textContent = ok ? "(respecté)" : "(non respecté)";
  }
  // The rules only identity knows (a common password): asked of the portal, which asks identity.
  function checkOnServer(input, list) {
    var box = list.closest("[data-check-url]");
    var token = input.form && input.form.querySelector("input[name=csrf_token]");
    var items = list.querySelectorAll("[data-server-rule]");
    if (!box || !token || !items.length || !window.fetch) return;
    if (!input.value) {
      items.forEach(function (item) { show(item, false); });
      return;
    }
    var body = new URLSearchParams();
    body.append("password", input.value);
    fetch(box.getAttribute("data-check-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token.value },
      body: body
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (!answer) return;
      items.forEach(function (item) {
        var name = item.getAttribute("data-server-rule");
        answer.rules.forEach(function (rule) {
          if (rule.rule === name) show(item, rule.ok);
        });
      });
    }).catch(function () { /* left "vérifié à l'envoi": the form checks it anyway */ });
  }
  document.querySelectorAll("[data-password-rules]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-password-rules"));
    if (!list) return;
    var timer = null;
    function update() {
      list.querySelectorAll("[data-rule]").forEach(function (item) {
        var check = RULES[item.getAttribute("data-rule")];
        if (check) show(item, check(input.value));
      });
      checkOnServer(input, list);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400); // announce once typing pauses, not at every key
    });
  });

  // Session about to expire (RGAA 13.1): announced in a polite live region with a button that
  // extends it by one action.
  var body = document.body;
  var expiresAt = body.getAttribute("data-session-expires-at");
  if (expiresAt) {
    var warning = parseInt(body.getAttribute("data-session-warning-s") || "120", 10) * 1000;
    var end = Date.parse(expiresAt);
    var box = document.getElementById("session-expiry");
    var text = document.getElementById("session-expiry-text");
    var announced = false;
    var tick = function () {
      var left = end - Date.now();
      if (left <= warning && box) {
        var minutes = Math.max(0, Math.ceil(left / 60000));
        if (!announced || left <= 0) {
          text.textContent = left > 0
            ? "Votre session va expirer dans " + minutes + " minute" + (minutes > 1 ? "s" : "") + ". Voulez-vous la prolonger ?"
            : "Votre session a expiré. Reconnectez-vous pour continuer.";
          announced = true;
        }
        box.hidden = false;
      }
    };
    tick();
    setInterval(tick, 5000);
  }
})();
