// Besace as a phone app (no wasm needed): starts the service worker (public/sw.js) and,
// where the phone has a share sheet, shows the "Share…" buttons the pages render hidden
// (`data-share-url`), which open it.
(function () {
  if ('serviceWorker' in navigator) {
    // Once the page is in: the worker's own downloads never hold up the page's.
    var start = function () {
      navigator.serviceWorker.register('/sw.js').catch(function () { /* private browsing: no offline copy */ });
    };
    if (document.readyState === 'complete') {
      start();
    } else {
      window.addEventListener('load', start);
    }
  }
  if (!navigator.share) {
    return;
  }
  var buttons = document.querySelectorAll('[data-share-url]');
  for (var i = 0; i < buttons.length; i++) {
    var button = buttons[i];
    var holder = button.closest('[hidden]');
    if (holder) {
      holder.hidden = false;
    }
    button.addEventListener('click', function (event) {
      var data = event.currentTarget.dataset;
      navigator.share({ title: data.shareTitle, url: data.shareUrl }).catch(function () { /* closed */ });
    });
  }
})();
