// RaceSync live updates. The page works without this script; with it, the part of the page
// inside #live is replaced by what the server sends as Server-Sent Events, and what changed
// is announced to screen readers. EventSource reconnects by itself and sends Last-Event-ID,
// so the server resumes from where the page was.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !("EventSource" in window)) return;
  var state = document.getElementById("stream-state");
  var announce = document.getElementById("announce");
  var source = new EventSource(live.getAttribute("data-events"));
  function show(text, mode) {
    if (state) state.textContent = text;
    live.setAttribute("data-stream", mode);
  }
  source.addEventListener("open", function () { show("Live updates on.", "open"); });
  source.addEventListener("error", function () { show("Live updates paused; reconnecting\u2026", "reconnecting"); });
  source.addEventListener("page", function (event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (typeof message.html !== "string") return;
    live.innerHTML = message.html;
    live.setAttribute("data-event-id", event.lastEventId);
    if (announce && message.changes && message.changes.length) announce.textContent = message.changes.join(". ") + ".";
  });
})();

// While a form's request is in flight its button says so ("Joining…", "Leaving…") and cannot
// be pressed twice. The forms work the same without this script.
(function () {
  "use strict";
  var pending = { "Cast this race": "Joining\u2026", "Leave": "Leaving\u2026" };
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[type=submit]");
    if (!button) return;
    if (button.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
    var label = pending[button.textContent.trim()];
    if (label) button.textContent = label;
    button.setAttribute("aria-busy", "true");
  });
})();
(function () {
  "use strict";
  // The organizer's login fields suggest users by login prefix (GET /api/users?q=, as the
  // signed-in page). Without script they are plain text fields.
  var timer = null;
  var asked = "";
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("input[data-suggest]")) return;
    var list = document.getElementById(field.getAttribute("list"));
    var prefix = field.value.trim().toLowerCase();
    clearTimeout(timer);
    if (!list || !/^[a-z0-9_]{1,25}$/.test(prefix) || prefix === asked) return;
    timer = setTimeout(function () {
      asked = prefix;
      fetch(field.getAttribute("data-suggest") + "?limit=8&q=" + encodeURIComponent(prefix), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (users) {
          list.replaceChildren.apply(list, users.map(function (user) {
            var option = document.createElement("option");
            option.value = user.twitch_username;
            if (user.twitch_display_name) option.label = user.twitch_display_name;
            return option;
          }));
        })
        .catch(function () { asked = ""; });
    }, 200);
  });
})();
// The OBS overlay: follows the race's JSON event stream and lists who is live now (text only,
// never markup). The first list comes with the page, so it shows before the stream opens.
(function () {
  "use strict";
  var list = document.getElementById("overlay-live");
  if (!list || !("EventSource" in window)) return;
  var show = list.getAttribute("data-show");
  var source = new EventSource(list.getAttribute("data-events"));
  source.addEventListener("race_state", function (event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    var race = message.race || {};
    var members = [];
    if (show !== "casters") members = members.concat(race.participants || []);
    if (show !== "participants") members = members.concat(race.casters || []);
    var seen = {};
    list.replaceChildren.apply(list, members.filter(function (member) {
      if (!member.is_live || seen[member.user.id]) return false;
      seen[member.user.id] = true;
      return true;
    }).map(function (member) {
      var item = document.createElement("li");
      item.textContent = member.user.twitch_display_name || member.user.twitch_username;
      return item;
    }));
  });
})();
