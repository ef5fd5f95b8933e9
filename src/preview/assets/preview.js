// The digest preview's script. Everything works without it; it adds:
// - live reload: the server pushes a generation number over Server-Sent
//   Events whenever templates, config, inbox items or editors' changes move;
//   the page reloads when it no longer shows the latest one (not while the
//   editor is typing into a form, which would lose the text);
// - a live character count for the summary being edited;
// - Alt+↑ / Alt+↓ on an item moves it within its section;
// - keyboard focus returns to the control last used after the page reloads.
// Its words come from the page (data-* attributes set from the message catalogue).
(() => {
  var body = document.body;
  var text = (name) => body.getAttribute(`data-${name}`) || '';
  var shown = body.getAttribute('data-generation');
  var live = document.getElementById('live');
  var dirty = false;

  // Focus where the editor was: the same button of the same item, else the item's first control.
  // On load, after the browser scrolled to the #item-… fragment, which would clear an earlier focus.
  const focusBack = () => {
    const row = document.getElementById(`item-${text('focus')}`);
    if (!row) return;
    const did = text('did');
    const target =
      (did === 'edit' && row.querySelector('form.edit input[name="title"]')) ||
      (did && row.querySelector(`button[value="${did}"]:not([disabled])`)) ||
      // Moved to the end of its section, the same arrow is disabled: the other one keeps the keyboard there.
      row.querySelector('button.order:not([disabled])') ||
      row.querySelector('button:not([disabled]), a.button');
    if (target) target.focus();
  };
  if (text('focus')) window.addEventListener('load', focusBack);

  // The summary's character count against render.summaryChars.
  for (const area of document.querySelectorAll('textarea[data-count]')) {
    const out = document.getElementById(area.getAttribute('data-count'));
    const max = Number(area.getAttribute('data-max'));
    const template = area.getAttribute('data-template');
    const update = () => {
      const n = Array.from(area.value).length;
      out.textContent = template.replace(/^0/, String(n));
      out.className = n > max ? 'over' : '';
    };
    area.addEventListener('input', update);
  }
  document.addEventListener('input', () => {
    dirty = true;
  });

  // Alt+Arrow moves the focused item within its section.
  document.addEventListener('keydown', (event) => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    var item = event.target.closest?.('li.item');
    if (!item) return;
    var button = item.querySelector(`button[value="${event.key === 'ArrowUp' ? 'up' : 'down'}"]:not([disabled])`);
    if (!button) return;
    event.preventDefault();
    button.click();
  });

  if (!window.EventSource || !live) return;
  var source = new EventSource('/events');
  source.onopen = () => {
    live.textContent = text('live-on');
    live.className = 'live on';
  };
  source.onerror = () => {
    live.textContent = text('live-off');
    live.className = 'live off';
  };
  source.onmessage = (event) => {
    if (event.data && event.data !== shown && !dirty) {
      shown = event.data;
      live.textContent = text('live-updating');
      window.location.reload();
    }
  };
  // Ask before approving: it reaches people.
  document.addEventListener('submit', (event) => {
    var form = event.target;
    var action = form.getAttribute('action');
    if (action === '/approve' && !window.confirm(text('confirm-approve'))) {
      event.preventDefault();
      return;
    }
    if (form.method === 'get') return;
    // The page is being replaced by the form's answer: a reload now would cancel it.
    source.close();
    live.textContent = text('live-saving');
  });
})();
