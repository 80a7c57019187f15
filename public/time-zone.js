// Tells the server the browser's time zone, so the next pages give times in it
// (app/src/dates.rs reads the cookie; without it, Europe/Paris).
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && /^[A-Za-z0-9_+\/-]{1,64}$/.test(zone) && document.cookie.indexOf('besace_tz=' + zone) < 0) {
      document.cookie = 'besace_tz=' + zone + '; path=/; max-age=31536000; SameSite=Lax';
    }
  } catch (e) { /* an old browser: Paris time it is */ }
})();
