/// The stylesheet and the little script, served from the binary (`/app/static/…`); nothing is fetched from elsewhere.
enum Assets {
    static let css = """
    :root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa; --accent: #0b5cad; --bad: #b42318;
            --hot: #b42318; --warm: #9a5b00; --cold: #1f5f99; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.45; overflow-wrap: anywhere; }
    a { color: var(--accent); }
    .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
    .skip:focus { left: .5rem; z-index: 10; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: var(--soft); }
    .brand { font-weight: 700; text-decoration: none; color: var(--ink); font-size: 1.1rem; }
    header nav { display: flex; gap: 1rem; flex-wrap: wrap; }
    header nav a { text-decoration: none; padding: .2rem 0; }
    header nav a[aria-current="page"] { font-weight: 700; border-bottom: 2px solid var(--accent); }
    .signout { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
    .who { color: var(--muted); font-size: .9rem; }
    main { padding: 1rem; max-width: 1200px; margin: 0 auto; }
    h1 { font-size: 1.5rem; margin: .2rem 0 .8rem; }
    h2 { font-size: 1.15rem; margin: 1.4rem 0 .5rem; }
    .sub { color: var(--muted); font-size: .88rem; }
    .hint { color: var(--muted); font-size: .88rem; }
    .flash { background: #e6f4ea; border: 1px solid #8cc79a; padding: .5rem .75rem; }
    .error { background: #fdecea; border: 1px solid #e5a29b; padding: .5rem .75rem; color: #7a1a12; }
    .empty { color: var(--muted); }
    table { border-collapse: collapse; width: 100%; margin: .5rem 0; display: block; overflow-x: auto; }
    caption { text-align: left; color: var(--muted); font-size: .88rem; padding: .25rem 0; }
    th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    thead th { background: var(--soft); font-weight: 600; white-space: nowrap; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    table.weekly th[scope="row"], ol.history time { white-space: nowrap; }
    tr.overdue td { background: #fff4f2; }
    tr.kbd-focus td { outline: 2px solid var(--accent); outline-offset: -2px; }
    .badge { display: inline-block; padding: .1rem .45rem; border-radius: .8rem; font-size: .82rem; font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
    .b-hot { color: var(--hot); } .b-warm { color: var(--warm); } .b-cold { color: var(--cold); }
    form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: .75rem; }
    form.filters fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: .6rem; }
    form.filters legend { font-weight: 600; float: left; margin-right: .4rem; }
    label { display: inline-block; }
    input, select, textarea, button { font: inherit; }
    input, select, textarea { border: 1px solid #8c959f; border-radius: 4px; padding: .3rem .4rem; max-width: 100%; }
    button { border: 1px solid #8c959f; background: #fff; border-radius: 4px; padding: .35rem .8rem; cursor: pointer; }
    button.primary, .signin button, form.act button { background: var(--accent); color: #fff; border-color: var(--accent); }
    :focus-visible { outline: 3px solid #f0b400; outline-offset: 1px; }
    .signin { max-width: 360px; margin: 3rem auto; }
    .signin form, form.act, form.add, form.checklist { display: grid; gap: .35rem; max-width: 460px; }
    .signin button, form.act button, form.add button, form.checklist button { justify-self: start; margin-top: .4rem; }
    form.inline { display: inline-flex; gap: .35rem; }
    .grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
    dt { color: var(--muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    ul.flags { padding-left: 1.2rem; color: #7a4a00; }
    ol.history { padding-left: 1.2rem; }
    ol.history time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .4rem; }
    fieldset { border: 1px solid var(--line); margin: 0 0 .4rem; }
    fieldset label { margin-right: .8rem; }
    ol.code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; background: var(--soft); padding: .5rem .5rem .5rem 3.2rem; overflow-x: auto; border: 1px solid var(--line); }
    ol.code li { white-space: pre; }
    ol.code li.bad { background: #fdecea; }
    ol.code li:target { background: #fff3bf; }
    ol.diff { list-style: none; padding-left: .5rem; }
    ol.diff li.add { background: #e6f4ea; } ol.diff li.del { background: #fdecea; }
    ol.diff .mark { display: inline-block; width: 1.2rem; color: var(--muted); }
    textarea { width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; }
    .editor .buttons { display: flex; gap: .5rem; margin-top: .4rem; }
    .problems { border-left: 4px solid var(--bad); padding-left: .8rem; }
    .report { border-left: 4px solid var(--accent); padding-left: .8rem; }
    .matrix a.cell { display: block; text-align: center; padding: .4rem; text-decoration: none; color: var(--ink); }
    .secret { border: 2px solid var(--accent); padding: .5rem .8rem; margin-bottom: 1rem; }
    .secret code { font-size: 1rem; overflow-wrap: anywhere; }
    figure { margin: .5rem 0; } figure svg { max-width: 100%; height: auto; }
    nav.pages { display: flex; gap: 1.5rem; margin: .75rem 0; }
    progress { width: 220px; }
    @media (max-width: 700px) {
      .grid { grid-template-columns: 1fr; }
      main { padding: .6rem; }
      .signout { margin-left: 0; }
      th, td { padding: .35rem .3rem; }
    }
    """

    /// Progressive enhancement only: keyboard moves in the queue and an upload progress bar. Every page works without it.
    static let js = """
    (function () {
      var rows = Array.prototype.slice.call(document.querySelectorAll('table.queue tbody tr'));
      var at = -1;
      function show(i) {
        if (!rows.length) return;
        if (at >= 0) rows[at].classList.remove('kbd-focus');
        at = Math.max(0, Math.min(rows.length - 1, i));
        rows[at].classList.add('kbd-focus');
        var link = rows[at].querySelector('a');
        if (link) link.focus();
      }
      document.addEventListener('keydown', function (e) {
        if (!rows.length || e.altKey || e.ctrlKey || e.metaKey) return;
        var tag = (e.target.tagName || '').toLowerCase();
        if (tag === 'input' || tag === 'select' || tag === 'textarea') return;
        if (e.key === 'j') { show(at + 1); e.preventDefault(); }
        if (e.key === 'k') { show(at - 1); e.preventDefault(); }
      });
      Array.prototype.forEach.call(document.querySelectorAll('form[data-progress]'), function (form) {
        form.addEventListener('submit', function (e) {
          if (!window.XMLHttpRequest || !window.FormData) return;
          e.preventDefault();
          var bar = form.querySelector('progress');
          bar.hidden = false;
          var xhr = new XMLHttpRequest();
          xhr.open('POST', form.action);
          xhr.upload.onprogress = function (p) { if (p.lengthComputable) bar.value = Math.round(100 * p.loaded / p.total); };
          xhr.onload = function () { document.open(); document.write(xhr.responseText); document.close(); };
          xhr.onerror = function () { form.submit(); };
          xhr.send(new FormData(form));
        });
      });
    })();
    """
}
