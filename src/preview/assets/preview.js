// Live reload for the digest preview: the server pushes a generation number
// over Server-Sent Events whenever templates, config, inbox items or overrides
// change; the page reloads when it no longer shows the latest one. Everything
// else on the page works without this script.
(() => {
  var shown = document.body.getAttribute('data-generation');
  var live = document.getElementById('live');
  if (!window.EventSource || !live) return;
  var source = new EventSource('/events');
  source.onopen = () => {
    live.textContent = '● live';
    live.className = 'live on';
  };
  source.onerror = () => {
    live.textContent = '○ reconnecting…';
    live.className = 'live off';
  };
  source.onmessage = (event) => {
    if (event.data && event.data !== shown) {
      shown = event.data;
      live.textContent = '↻ updating…';
      window.location.reload();
    }
  };
  // Ask before sending test mail or approving: both reach people.
  document.addEventListener('submit', (event) => {
    var form = event.target;
    var action = form.getAttribute('action');
    if (action === '/approve' && !window.confirm('Approve this issue for sending?')) {
      event.preventDefault();
      return;
    }
    // The page is being replaced by the form's answer: a reload now would cancel it.
    source.close();
    live.textContent = '… saving';
  });
})();
