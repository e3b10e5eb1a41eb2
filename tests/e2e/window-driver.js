// Test-only: run.sh and notify.sh add this script to a copy of
// frontend/dist that only the e2e apps serve. Inside the real WebKit window
// (and only there: a browser on the dev server ignores it) it answers
// "e2e:eval" events, which a page on the same app's dev server emits through
// Wails' own event bridge, with an "e2e:result" event: the value of the
// given async function body run in the window, plus the window's user agent
// and address, so the test knows which renderer answered. window.test.mjs
// uses it to read the real window's page and to find where to click with
// real X input; it never clicks or types itself.
(function () {
  if (/Chrome|Chromium/.test(navigator.userAgent)) return;
  const listen = () => {
    if (!window.runtime || !window.runtime.EventsOn) return setTimeout(listen, 50);
    window.runtime.EventsOn('e2e:eval', async (req) => {
      const reply = { id: req.id, agent: navigator.userAgent, href: location.href };
      try {
        reply.value = await new Function(`return (async () => { ${req.code} })()`)();
      } catch (err) {
        reply.error = String(err) + (err && err.stack ? "\n" + err.stack : "");
      }
      window.runtime.EventsEmit('e2e:result', reply);
    });
    window.runtime.EventsEmit('e2e:ready', { agent: navigator.userAgent, href: location.href });
  };
  listen();
})();
