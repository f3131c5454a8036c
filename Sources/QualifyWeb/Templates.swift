import Mustache

/// The pages' templates (Mustache: `{{value}}` is HTML-escaped, and no template uses the unescaped forms for a value
/// from the database). Kept in the binary, so a moved `qualify` still serves its pages.
enum Templates {
    static func library() throws -> MustacheLibrary {
        MustacheContentTypes.register(ScalarHTML(), named: ScalarHTML.name)
        var library = MustacheLibrary()
        for (name, text) in all { try library.register("{{% CONTENT_TYPE: \(ScalarHTML.name)}}" + text, named: name) }
        return library
    }

    /// HTML escaping by Unicode scalar: swift-mustache's own escapes whole characters, so a quote followed by a
    /// combining mark (one character) would pass unescaped and end an attribute.
    struct ScalarHTML: MustacheContentType {
        static let name = "QUALIFY_HTML"
        func escapeText(_ text: String) -> String { Self.escape(text) }

        static func escape(_ text: String) -> String {
            var out = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                switch scalar {
                case "<": out.append(contentsOf: "&lt;".unicodeScalars)
                case ">": out.append(contentsOf: "&gt;".unicodeScalars)
                case "&": out.append(contentsOf: "&amp;".unicodeScalars)
                case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
                case "'": out.append(contentsOf: "&#39;".unicodeScalars)
                default: out.append(scalar)
                }
            }
            return String(out)
        }
    }

    static let all: [(String, String)] = [
        ("layout", layout), ("signin", signIn), ("queue", queue), ("card", card), ("model", model), ("diff", diff),
        ("insights", insights), ("funnel", funnel), ("accounts", accounts), ("account", account), ("followups", followUps), ("abcxyz", abcXyz), ("hygiene", hygiene), ("settings", settings), ("problem", problem),
    ]

    static let layout = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · Qualify</title>
    <link rel="stylesheet" href="/app/static/app.css">
    <script src="/app/static/app.js" defer></script>
    </head>
    <body>
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <a class="brand" href="/app/queue">Qualify</a>
      {{#user}}
      <nav aria-label="Main">
        <a href="/app/queue"{{#navQueue}} aria-current="page"{{/navQueue}}>Queue</a>
        {{#canModel}}<a href="/app/model"{{#navModel}} aria-current="page"{{/navModel}}>Model</a>{{/canModel}}
        <a href="/app/followups"{{#navFollowUps}} aria-current="page"{{/navFollowUps}}>Follow-ups</a>
        <a href="/app/accounts"{{#navAccounts}} aria-current="page"{{/navAccounts}}>Accounts</a>
        <a href="/app/insights"{{#navInsights}} aria-current="page"{{/navInsights}}>Insights</a>
        {{#canSettings}}<a href="/app/settings"{{#navSettings}} aria-current="page"{{/navSettings}}>Settings</a>{{/canSettings}}
      </nav>
      <form class="signout" method="post" action="/app/sign-out">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <span class="who">{{name}} · {{role}}</span>
        <button type="submit">Sign out</button>
      </form>
      {{/user}}
    </header>
    <main id="main">
    {{#flash}}<p class="flash" role="status">{{.}}</p>{{/flash}}
    {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
    {{$body}}{{/body}}
    </main>
    </body>
    </html>
    """

    static let signIn = """
    {{<layout}}{{$body}}
    <section class="signin">
    <h1>Sign in</h1>
    <form method="post" action="/app/sign-in">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <input type="hidden" name="next" value="{{next}}">
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="email" required value="{{email}}">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">Sign in</button>
    </form>
    <p class="hint">No account yet? An admin adds you with <code>qualify users add EMAIL --role sales</code>.</p>
    </section>
    {{/body}}{{/layout}}
    """

    static let queue = """
    {{<layout}}{{$body}}
    <h1>Who to call now</h1>
    <form class="filters" method="get" action="/app/queue" role="search">
      <fieldset class="views"><legend>Leads</legend>
      {{#views}}<label><input type="radio" name="view" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/views}}
      </fieldset>
      <label>Stage <select name="stage"><option value="">SQL, then MQL (all when searching)</option>{{#stages}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/stages}}</select></label>
      <label>Grade <select name="grade"><option value="">any</option>{{#grades}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/grades}}</select></label>
      <label>Temperature <select name="temperature"><option value="">any</option>{{#temperatures}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/temperatures}}</select></label>
      <label>Owner <input name="owner" value="{{owner}}" size="10"></label>
      <label>Search <input name="q" type="search" value="{{q}}" placeholder="email, name or company"></label>
      <label><input type="checkbox" name="overdue" value="1"{{#overdue}} checked{{/overdue}}> overdue only</label>
      <button type="submit">Show</button>
    </form>
    {{^empty(rows)}}
    <table class="queue" data-keys="rows">
    <caption>Page {{page}} · ordered by priority (grade × temperature), then engagement now{{#dueShown}}; SLA due times in UTC{{/dueShown}}</caption>
    <thead><tr><th scope="col">Priority</th><th scope="col">Lead</th><th scope="col">Stage</th><th scope="col">Engagement now</th><th scope="col">Last activity</th><th scope="col">Owner</th><th scope="col">SLA due</th></tr></thead>
    <tbody>
    {{#rows}}
    <tr{{#overdue}} class="overdue"{{/overdue}}>
      <td><span class="badge b-{{band}}" title="grade {{grade}} · {{temperature}}">{{grade}} · {{temperature}}</span></td>
      <td><a href="{{href}}">{{display}}</a>{{#company}}<div class="sub">{{.}}</div>{{/company}}<div class="sub">{{email}}</div></td>
      <td>{{stage}}</td>
      <td class="num">{{engagement}}</td>
      <td>{{lastActivity}}</td>
      <td>{{owner}}</td>
      <td>{{#due}}{{.}}{{#overdue}} <strong>overdue</strong>{{/overdue}}{{/due}}</td>
    </tr>
    {{/rows}}
    </tbody>
    </table>
    {{/empty(rows)}}
    {{^rows}}<p class="empty">No lead matches these filters.</p>{{/rows}}
    <nav class="pages" aria-label="Pages">
    {{#first}}<a href="{{.}}">← First page</a>{{/first}}
    {{#next}}<a rel="next" href="{{.}}">Next 50 →</a>{{/next}}
    </nav>
    <p class="hint">Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> opens the lead.</p>
    {{/body}}{{/layout}}
    """

    static let card = """
    {{<layout}}{{$body}}
    <h1>{{display}}</h1>
    <p class="sub">{{email}}{{#jobTitle}} · {{.}}{{/jobTitle}} · as of {{asOf}} · model “{{modelName}}” v{{modelVersion}}</p>
    <form class="asof" method="get" action="{{href}}">
      <label>Card as of <input type="date" name="as_of" value="{{asOfDate}}"></label> <button type="submit">Show</button>
      {{#historic}}<a href="{{href}}">Back to now</a>{{/historic}}
    </form>
    <div class="grid">
    <section aria-labelledby="who"><h2 id="who">Who</h2>
    <dl>
      <dt>Stage</dt><dd><strong>{{stage}}</strong></dd>
      <dt>Fit</dt><dd>{{fitPoints}} points → grade <strong>{{grade}}</strong></dd>
      <dt>Engagement</dt><dd>{{engagement}} now → <strong>{{temperature}}</strong>{{#groups}}<div class="sub">[{{name}}] {{value}}</div>{{/groups}}</dd>
      <dt>Account</dt><dd>{{#accountHref}}<a href="{{.}}">{{account}}</a>{{/accountHref}}{{^accountHref}}{{account}}{{/accountHref}}{{#accountScore}}<div class="sub">{{.}}</div>{{/accountScore}}</dd>
      <dt>Email</dt><dd>{{emailVerdict}}{{#emailSuggestion}} — did you mean {{.}}?{{/emailSuggestion}}</dd>
      <dt>Owner</dt><dd>{{owner}}</dd>
      {{#sla}}<dt>SLA</dt><dd>{{.}}</dd>{{/sla}}
      {{#priority}}<dt>Priority</dt><dd>{{.}}</dd>{{/priority}}
      {{#chance}}<dt>Chance to buy</dt><dd>{{percent}} %{{#factors}}<div class="sub">{{.}}</div>{{/factors}}{{#notes}}<div class="sub">note: {{.}}</div>{{/notes}}</dd>{{/chance}}
      {{#chanceProblem}}<dt>Chance to buy</dt><dd>the installed prediction cannot score this lead: {{.}}</dd>{{/chanceProblem}}
      <dt>Next offer</dt><dd>{{nextOffer}}{{#nextOfferWhy}}<div class="sub">{{.}}</div>{{/nextOfferWhy}}</dd>
      <dt>Follow-up</dt><dd>{{followUp}}</dd>
    </dl>
    {{^empty(flags)}}<ul class="flags" aria-label="Signals that disagree">{{#flags}}<li>{{.}}</li>{{/flags}}</ul>{{/empty(flags)}}
    {{^empty(fields)}}<h3>Fields</h3><dl class="fields">{{#fields}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/fields}}</dl>{{/empty(fields)}}
    </section>
    {{^historic}}{{#canAct}}
    <section aria-labelledby="act"><h2 id="act">Act</h2>
    <form method="post" action="{{href}}/stage" class="act">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <label for="action">Action</label>
      <select id="action" name="action">{{#actions}}<option value="{{.}}">{{.}}</option>{{/actions}}</select>
      {{^empty(codes)}}<label for="code">Reason code (reject, lose, disqualify)</label>
      <select id="code" name="code"><option value="">—</option>{{#codes}}<option value="{{.}}">{{.}}</option>{{/codes}}</select>{{/empty(codes)}}
      <label for="reason">Reason</label>
      <input id="reason" name="reason" required maxlength="500">
      <button type="submit">Record</button>
    </form>
    {{#checklist}}
    <form method="post" action="{{href}}/answers" class="checklist">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <h3>Qualification checklist</h3>
      {{#questions}}
      <fieldset><legend>{{question}}{{#answeredBy}} <span class="sub">({{.}})</span>{{/answeredBy}}</legend>
        {{#options}}<label><input type="radio" name="answer.{{id}}" value="{{value}}"{{#checked}} checked{{/checked}}> {{value}}</label>{{/options}}
      </fieldset>
      {{/questions}}
      <button type="submit">Save answers</button>
    </form>
    {{/checklist}}
    </section>
    {{/canAct}}{{/historic}}
    </div>
    <section aria-labelledby="why"><h2 id="why">Why: the ledger</h2>
    <table class="ledger">
    <caption>Points when earned → worth now · fit total {{fitTotal}} · engagement total {{engagementTotal}} now</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">Rule</th><th scope="col" class="num">Points</th><th scope="col" class="num">Worth now</th><th scope="col">Cause</th></tr></thead>
    <tbody>{{#ledger}}<tr><td>{{at}}</td><td>{{kind}}</td><td>{{rule}}{{#note}}<div class="sub">{{.}}</div>{{/note}}</td><td class="num">{{points}}</td><td class="num">{{worth}}</td><td>{{cause}}</td></tr>{{/ledger}}</tbody>
    </table>
    </section>
    <section aria-labelledby="history"><h2 id="history">Stage history</h2>
    {{^stageHistory}}<p class="empty">No stage change yet.</p>{{/stageHistory}}
    <ol class="history">{{#stageHistory}}<li><time>{{at}}</time> {{from}} → <strong>{{to}}</strong> by {{by}}: {{reason}}</li>{{/stageHistory}}</ol>
    </section>
    <section aria-labelledby="timeline"><h2 id="timeline">Timeline</h2>
    {{^timeline}}<p class="empty">Nothing yet.</p>{{/timeline}}
    <ol class="history">{{#timeline}}<li><time>{{at}}</time> {{text}}{{#by}} <span class="sub">({{.}})</span>{{/by}}</li>{{/timeline}}</ol>
    </section>
    {{/body}}{{/layout}}
    """

    static let model = """
    {{<layout}}{{$body}}
    <h1>Scoring model</h1>
    <p>Active: “{{activeName}}” version {{activeVersion}}, activated {{activatedAt}}{{#activatedBy}} by {{.}}{{/activatedBy}}.</p>
    {{^empty(issues)}}
    <section class="problems" aria-labelledby="problems"><h2 id="problems">{{issuesTitle}}</h2>
    <ul>{{#issues}}<li><a href="#L{{line}}">line {{line}}</a>{{#key}} · <code>{{.}}</code>{{/key}}: {{message}}</li>{{/issues}}</ul>
    </section>
    {{/empty(issues)}}
    {{#report}}
    <section class="report" aria-labelledby="report"><h2 id="report">{{title}}</h2>
    <p>{{leads}} leads replayed: {{stageChanged}} change stage, {{gradeChanged}} change grade, {{temperatureChanged}} change temperature.</p>
    {{^empty(moves)}}<ul>{{#moves}}<li>{{.}}</li>{{/moves}}</ul>{{/empty(moves)}}
    {{^empty(examples)}}<table><caption>Examples</caption><thead><tr><th scope="col">Lead</th><th scope="col">Stage</th><th scope="col">Grade</th></tr></thead>
    <tbody>{{#examples}}<tr><td>{{email}}</td><td>{{stage}}</td><td>{{grade}}</td></tr>{{/examples}}</tbody></table>{{/empty(examples)}}
    </section>
    {{/report}}
    {{#canEdit}}
    <form method="post" action="/app/model" class="editor">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <label for="source">Model (YAML)</label>
      <textarea id="source" name="source" rows="28" spellcheck="false">{{source}}</textarea>
      <div class="buttons">
        <button type="submit" name="do" value="validate">Validate</button>
        <button type="submit" name="do" value="dry-run">Dry run</button>
        <button type="submit" name="do" value="activate" class="primary">Activate</button>
      </div>
    </form>
    {{/canEdit}}
    <section aria-labelledby="text"><h2 id="text">{{textTitle}}</h2>
    <ol class="code">{{#lines}}<li id="L{{number}}"{{#bad}} class="bad"{{/bad}}><code>{{text}}</code></li>{{/lines}}</ol>
    </section>
    <section aria-labelledby="versions"><h2 id="versions">Versions</h2>
    <form method="get" action="/app/model/diff" class="diffpick">
    <table><thead><tr><th scope="col">Version</th><th scope="col">Name</th><th scope="col">Activated</th><th scope="col">By</th></tr></thead>
    <tbody>{{#versions}}<tr><td>{{version}}</td><td>{{name}}</td><td>{{at}}</td><td>{{by}}</td></tr>{{/versions}}</tbody></table>
    <label>From <select name="from">{{#versions}}<option value="{{version}}"{{#isFrom}} selected{{/isFrom}}>v{{version}}</option>{{/versions}}</select></label>
    <label>To <select name="to">{{#versions}}<option value="{{version}}"{{#isTo}} selected{{/isTo}}>v{{version}}</option>{{/versions}}</select></label>
    <button type="submit">Compare</button>
    </form>
    </section>
    {{/body}}{{/layout}}
    """

    static let diff = """
    {{<layout}}{{$body}}
    <h1>Model v{{from}} → v{{to}}</h1>
    <p><a href="/app/model">Back to the model</a> · {{added}} lines added, {{removed}} removed</p>
    <ol class="code diff">{{#lines}}<li class="{{kind}}"><span class="mark" aria-hidden="true">{{mark}}</span><span class="visually-hidden">{{spoken}}</span><code>{{text}}</code></li>{{/lines}}</ol>
    {{/body}}{{/layout}}
    """

    static let insights = """
    {{<layout}}{{$body}}
    <h1>Insights</h1>
    <p class="sub">Open leads (not customers or disqualified) as of {{now}}.</p>
    <section aria-labelledby="matrix"><h2 id="matrix">Grade × temperature</h2>
    <table class="matrix"><thead><tr><th scope="col">Grade</th>{{#temperatures}}<th scope="col">{{.}}</th>{{/temperatures}}</tr></thead>
    <tbody>{{#matrix}}<tr><th scope="row">{{grade}}</th>{{#cells}}<td><a href="{{href}}" class="cell" style="background: {{background}}" aria-label="grade {{grade}}, {{temperature}}: {{count}} leads">{{count}}</a></td>{{/cells}}</tr>{{/matrix}}</tbody>
    </table>
    </section>
    <section aria-labelledby="weekly"><h2 id="weekly">Leads entering each stage per week</h2>
    {{#weeklyEmpty}}<p class="empty">No stage change in the last {{weeks}} weeks.</p>{{/weeklyEmpty}}
    {{^weeklyEmpty}}
    <table class="weekly"><thead><tr><th scope="col">Week of</th>{{#weeklyStages}}<th scope="col">{{.}}</th>{{/weeklyStages}}</tr></thead>
    <tbody>{{#weekly}}<tr><th scope="row">{{week}}</th>{{#counts}}<td class="num">{{.}}</td>{{/counts}}</tr>{{/weekly}}</tbody></table>
    {{/weeklyEmpty}}
    </section>
    <section aria-labelledby="calibration"><h2 id="calibration">Calibration: win rate of decided deals</h2>
    {{#calibrationAsked}}<!--calibration-->{{/calibrationAsked}}
    {{^calibrationAsked}}<form method="get" action="/app/insights/calibration"><button type="submit">Compute the calibration report</button> <span class="sub">(reads every lead's history)</span></form>{{/calibrationAsked}}
    </section>
    <section aria-labelledby="tools"><h2 id="tools">Files</h2>
    <ul><li><a href="/app/insights/funnel">Funnel: conversion, time in stage, stalled leads, cohorts, sources side by side</a></li><li><a href="/app/insights/abc-xyz">ABC-XYZ analysis of customers' transactions</a></li><li><a href="/app/insights/hygiene">Check a list of email addresses</a></li></ul>
    </section>
    {{/body}}{{/layout}}
    """

    static let funnel = """
    {{<layout}}{{$body}}
    <h1>Funnel</h1>
    <p class="sub">From the stage history of every lead: a lead arrives with its first event; shares carry a 95 % interval.</p>
    <form method="get" action="/app/insights/funnel" class="filters">
      <label for="from">From</label> <input id="from" name="from" value="{{from}}" placeholder="YYYY-MM-DD" size="11">
      <label for="to">To</label> <input id="to" name="to" value="{{to}}" placeholder="today" size="11">
      <label for="by">Group by</label> <input id="by" name="by" value="{{by}}" placeholder="lead_source, owner, grade, month…" size="22">
      <button type="submit">Show</button>
    </form>
    {{^error}}
    <figure>{{{svg}}}<figcaption>{{arrivals}} leads arrived in the window: leads entering each stage</figcaption></figure>
    <section aria-labelledby="stages"><h2 id="stages">Stages</h2>
    <table><thead><tr><th scope="col">Stage</th><th scope="col">Entered</th><th scope="col">Went further (95 % CI)</th><th scope="col">Median days</th><th scope="col">p90 days</th><th scope="col">Still there</th><th scope="col">Stalled (&gt; p90)</th></tr></thead>
    <tbody>{{#stages}}<tr><th scope="row">{{stage}}</th><td class="num">{{entered}}</td><td>{{further}}</td><td class="num">{{median}}</td><td class="num">{{p90}}</td><td class="num">{{still}}</td><td class="num">{{stalled}}</td></tr>{{/stages}}</tbody></table>
    </section>
    <section aria-labelledby="exits"><h2 id="exits">Exits</h2>
    {{#noExits}}<p class="empty">No lead was recycled, rejected, lost or disqualified in the window.</p>{{/noExits}}
    {{^noExits}}<table><thead><tr><th scope="col">To</th><th scope="col">Action</th><th scope="col">Reason code</th><th scope="col">Leads</th></tr></thead>
    <tbody>{{#exits}}<tr><td>{{to}}</td><td>{{action}}</td><td>{{code}}</td><td class="num">{{count}}</td></tr>{{/exits}}</tbody></table>{{/noExits}}
    </section>
    <section aria-labelledby="cohorts"><h2 id="cohorts">Monthly cohorts: reached SQL, then customer, within</h2>
    <table><thead><tr><th scope="col">Arrived</th><th scope="col">Leads</th>{{#horizons}}<th scope="col">SQL ≤ {{.}}</th>{{/horizons}}{{#horizons}}<th scope="col">Customer ≤ {{.}}</th>{{/horizons}}</tr></thead>
    <tbody>{{#cohorts}}<tr><th scope="row">{{month}}</th><td class="num">{{arrivals}}</td>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/cohorts}}</tbody></table>
    </section>
    {{#grouped}}<section aria-labelledby="groups"><h2 id="groups">By {{by}}: share of arrivals that reached each stage</h2>
    <table><thead><tr><th scope="col">{{by}}</th><th scope="col">Leads</th>{{#stages}}<th scope="col">→ {{.}}</th>{{/stages}}</tr></thead>
    <tbody>{{#rows}}<tr><th scope="row">{{value}}</th><td class="num">{{arrivals}}</td>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}</tbody></table>
    </section>{{/grouped}}
    {{/error}}
    {{/body}}{{/layout}}
    """

    static let followUps = """
    {{<layout}}{{$body}}
    <h1>Follow-ups</h1>
    <p class="sub">Each lead's next step in its stage's cadence, the offer to make and why now. <a href="/app/followups?held=1">Who gets none, and why</a></p>
    {{^heldView}}
    <form class="filters" method="get" action="/app/followups" role="search">
      <label>Due <select name="due">{{#windows}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/windows}}</select></label>
      <label>Owner <input name="owner" value="{{owner}}" size="10"></label>
      <button type="submit">Show</button>
    </form>
    {{^empty(rows)}}
    <table class="queue">
    <caption>{{summary}}, earliest first; times in UTC</caption>
    <thead><tr><th scope="col">Due</th><th scope="col">Lead</th><th scope="col">Step</th><th scope="col">Offer</th><th scope="col">Owner</th><th scope="col">Done</th></tr></thead>
    <tbody>
    {{#rows}}
    <tr{{#overdue}} class="overdue"{{/overdue}}>
      <td>{{due}}{{#overdue}} <strong>overdue</strong>{{/overdue}}</td>
      <td><a href="{{href}}">{{display}}</a>{{#company}}<div class="sub">{{.}}</div>{{/company}}<div class="sub">{{email}}</div></td>
      <td>{{stage}} · step {{step}} · {{channel}}<div class="sub">{{why}}</div></td>
      <td>{{offer}}{{#offerWhy}}<div class="sub">{{.}}</div>{{/offerWhy}}</td>
      <td>{{owner}}</td>
      <td><form method="post" action="{{action}}" class="act">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Outcome <select name="outcome"><option value="sent">sent</option><option value="called">called</option><option value="done">done</option><option value="skipped">skipped</option></select></label>
        <label>Reason <input name="reason" size="12" placeholder="to skip"></label>
        <button type="submit">Record</button>
      </form></td>
    </tr>
    {{/rows}}
    </tbody>
    </table>
    {{/empty(rows)}}
    {{^rows}}<p class="empty">No follow-up is due.</p>{{/rows}}
    {{/heldView}}
    {{#heldView}}
    <table><caption>Held back from follow-ups</caption>
    <thead><tr><th scope="col">Lead</th><th scope="col">Stage</th><th scope="col">Owner</th><th scope="col">Why</th></tr></thead>
    <tbody>{{#held}}<tr><td><a href="{{href}}">{{display}}</a><div class="sub">{{email}}</div></td><td>{{stage}}</td><td>{{owner}}</td><td>{{reason}}</td></tr>{{/held}}</tbody></table>
    {{^held}}<p class="empty">Nobody is held back.</p>{{/held}}
    {{/heldView}}
    {{/body}}{{/layout}}
    """

    static let accounts = """
    {{<layout}}{{$body}}
    <h1>Accounts</h1>
    <p class="sub">The organisations behind the leads, scored from their contacts under the model's accounts rules; ordered by grade × temperature, then engagement.</p>
    <form class="filters" method="get" action="/app/accounts" role="search">
      <label>Grade <select name="grade"><option value="">any</option>{{#grades}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/grades}}</select></label>
      <label>Temperature <select name="temperature"><option value="">any</option>{{#temperatures}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/temperatures}}</select></label>
      <button type="submit">Show</button>
    </form>
    {{^empty(rows)}}
    <table class="queue" data-keys="rows">
    <caption>{{summary}}</caption>
    <thead><tr><th scope="col">Priority</th><th scope="col">Account</th><th scope="col">Contacts</th><th scope="col">Furthest stage</th><th scope="col">Engagement now</th><th scope="col">Buying committee</th><th scope="col">Owners</th></tr></thead>
    <tbody>
    {{#rows}}
    <tr>
      <td><span class="badge b-{{temperature}}" title="grade {{grade}} · {{temperature}}">{{grade}} · {{temperature}}</span></td>
      <td><a href="{{href}}">{{name}}</a><div class="sub">{{domain}}</div></td>
      <td class="num">{{contacts}}</td>
      <td>{{stage}}</td>
      <td class="num">{{engagement}}</td>
      <td>{{roles}}{{#missing}}<div class="sub">missing: {{.}}</div>{{/missing}}</td>
      <td>{{owners}}</td>
    </tr>
    {{/rows}}
    </tbody>
    </table>
    {{/empty(rows)}}
    {{^rows}}<p class="empty">No account matches. Leads with company email domains form accounts; free-mail and disposable domains never do.</p>{{/rows}}
    {{/body}}{{/layout}}
    """

    static let account = """
    {{<layout}}{{$body}}
    <h1>{{display}}</h1>
    <p class="sub">{{domain}} · as of {{asOf}} · model “{{modelName}}” v{{modelVersion}}</p>
    <div class="grid">
    <section aria-labelledby="score"><h2 id="score">Score</h2>
    <dl>
      <dt>Fit</dt><dd>{{fitPoints}} points → grade <strong>{{grade}}</strong><div class="sub">from {{fitSource}}</div></dd>
      <dt>Engagement</dt><dd>{{engagement}} now → <strong>{{temperature}}</strong><div class="sub">{{rule}}</div></dd>
      <dt>Furthest stage</dt><dd>{{stage}}</dd>
      <dt>Owners</dt><dd>{{owners}}</dd>
    </dl>
    </section>
    <section aria-labelledby="committee"><h2 id="committee">Buying committee</h2>
    <ul class="roles">{{#roles}}<li>{{#present}}✓ <strong>{{role}}</strong>: {{who}}{{/present}}{{^present}}✗ <strong>{{role}}</strong>: missing{{/present}}</li>{{/roles}}</ul>
    </section>
    </div>
    <section aria-labelledby="people"><h2 id="people">Contacts</h2>
    <table><caption>Most engaged first</caption>
    <thead><tr><th scope="col">Contact</th><th scope="col">Title</th><th scope="col">Grade</th><th scope="col">Stage</th><th scope="col">Engagement now</th><th scope="col">Roles</th><th scope="col">Owner</th><th scope="col">Last activity</th></tr></thead>
    <tbody>{{#contacts}}<tr><td><a href="{{href}}">{{display}}</a><div class="sub">{{email}}</div></td><td>{{title}}</td><td>{{grade}} ({{fitPoints}})</td><td>{{stage}}</td><td class="num">{{engagement}} {{temperature}}</td><td>{{roles}}</td><td>{{owner}}</td><td>{{lastActivity}}</td></tr>{{/contacts}}</tbody></table>
    </section>
    <section aria-labelledby="ledger"><h2 id="ledger">Ledger</h2>
    {{^ledger}}<p class="empty">No points yet.</p>{{/ledger}}
    {{^empty(ledger)}}<table><caption>Newest first: {{ledgerShown}}</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Contact</th><th scope="col">Rule</th><th scope="col">Points</th><th scope="col">Worth now</th><th scope="col">Event</th></tr></thead>
    <tbody>{{#ledger}}<tr><td>{{at}}</td><td>{{contact}}</td><td>{{kind}} {{rule}}</td><td class="num">{{points}}</td><td class="num">{{now}}</td><td>{{event}}</td></tr>{{/ledger}}</tbody></table>{{/empty(ledger)}}
    </section>
    {{/body}}{{/layout}}
    """

    static let abcXyz = """
    {{<layout}}{{$body}}
    <h1>ABC-XYZ analysis</h1>
    <p>Upload transactions as CSV with a customer, a date and an amount column (names as <code>qualify abc-xyz</code> takes them).</p>
    <form method="post" action="/app/insights/abc-xyz" enctype="multipart/form-data" class="upload" data-progress>
      <input type="hidden" name="csrf" value="{{csrf}}">
      <label for="file">Transactions CSV</label>
      <input id="file" name="file" type="file" accept=".csv,text/csv" required>
      <button type="submit">Analyse</button>
      <progress hidden max="100" value="0" aria-label="Upload progress"></progress>
    </form>
    {{#result}}
    <section aria-labelledby="res"><h2 id="res">{{customers}} customers</h2>
    <figure>{{{svg}}}<figcaption>Pareto curve and the ABC × XYZ matrix</figcaption></figure>
    <table class="matrix"><caption>Customers per class</caption><thead><tr><th scope="col">Class</th>{{#xyz}}<th scope="col">{{.}}</th>{{/xyz}}</tr></thead>
    <tbody>{{#rows}}<tr><th scope="row">{{abc}}</th>{{#cells}}<td class="num">{{.}}</td>{{/cells}}</tr>{{/rows}}</tbody></table>
    <p><a href="{{download}}" download="abc-xyz-classes.csv">Download the classes (CSV)</a></p>
    </section>
    {{/result}}
    {{/body}}{{/layout}}
    """

    static let hygiene = """
    {{<layout}}{{$body}}
    <h1>Check a list of email addresses</h1>
    <p>Upload a CSV with an email column; every row comes back with its verdict and reasons.</p>
    <form method="post" action="/app/insights/hygiene" enctype="multipart/form-data" class="upload" data-progress>
      <input type="hidden" name="csrf" value="{{csrf}}">
      <label for="file">Lead list CSV</label>
      <input id="file" name="file" type="file" accept=".csv,text/csv" required>
      <button type="submit">Check</button>
      <progress hidden max="100" value="0" aria-label="Upload progress"></progress>
    </form>
    {{#result}}
    <section aria-labelledby="res"><h2 id="res">{{rows}} rows checked</h2>
    <table><thead><tr><th scope="col">Verdict</th><th scope="col" class="num">Rows</th></tr></thead>
    <tbody>{{#verdicts}}<tr><td>{{name}}</td><td class="num">{{count}}</td></tr>{{/verdicts}}</tbody></table>
    {{^empty(reasons)}}<table><thead><tr><th scope="col">Reason</th><th scope="col" class="num">Rows</th></tr></thead>
    <tbody>{{#reasons}}<tr><td>{{name}}</td><td class="num">{{count}}</td></tr>{{/reasons}}</tbody></table>{{/empty(reasons)}}
    <p><a href="{{download}}" download="checked.csv">Download the checked file (CSV)</a></p>
    </section>
    {{/result}}
    {{/body}}{{/layout}}
    """

    static let settings = """
    {{<layout}}{{$body}}
    <h1>Settings</h1>
    {{#secret}}<div class="secret" role="status"><p>The new key's secret — shown this once; copy it now:</p><code>{{.}}</code></div>{{/secret}}
    {{#password}}<div class="secret" role="status"><p>The password for {{email}} — shown this once:</p><code>{{value}}</code></div>{{/password}}
    <section aria-labelledby="users"><h2 id="users">Users</h2>
    <table><thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
    <tbody>{{#users}}<tr><td>{{email}}</td><td>{{name}}</td><td>{{role}}</td><td>{{state}}</td><td>
      <form method="post" action="/app/settings/users/{{emailPath}}" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#disabled}}<button name="do" value="enable">Enable</button>{{/disabled}}{{^disabled}}<button name="do" value="disable">Disable</button>{{/disabled}}
        <button name="do" value="reset-password">Reset password</button>
      </form></td></tr>{{/users}}</tbody></table>
    <form method="post" action="/app/settings/users" class="add">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <h3>Add a user</h3>
      <label for="u-email">Email</label><input id="u-email" name="email" type="email" required>
      <label for="u-name">Name</label><input id="u-name" name="name">
      <label for="u-role">Role</label><select id="u-role" name="role"><option value="sales">sales</option><option value="marketing">marketing</option><option value="admin">admin</option></select>
      <label for="u-password">Password (at least {{minPassword}} characters; empty: one is made)</label><input id="u-password" name="password" type="password" autocomplete="new-password">
      <button type="submit">Add</button>
    </form>
    </section>
    <section aria-labelledby="keys"><h2 id="keys">API keys</h2>
    <table><thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
    <tbody>{{#keys}}<tr><td><code>{{id}}</code></td><td>{{name}}</td><td>{{role}}</td><td>{{created}}</td><td>{{state}}</td><td>
      {{^revoked}}<form method="post" action="/app/settings/keys/{{id}}/revoke" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>Revoke</button></form>{{/revoked}}</td></tr>{{/keys}}</tbody></table>
    <form method="post" action="/app/settings/keys" class="add">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <h3>Create a key</h3>
      <label for="k-name">Name</label><input id="k-name" name="name" required maxlength="100">
      <label for="k-role">Role</label><select id="k-role" name="role"><option value="ingest">ingest</option><option value="sales">sales</option><option value="marketing">marketing</option><option value="admin">admin</option></select>
      <button type="submit">Create</button>
    </form>
    </section>
    <section aria-labelledby="hooks"><h2 id="hooks">Webhooks</h2>
    {{^webhooks}}<p class="empty">No subscription. Add one with <code>qualify webhooks add URL</code> or <code>POST /webhooks</code>.</p>{{/webhooks}}
    {{^empty(webhooks)}}<table><thead><tr><th scope="col">Id</th><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th></tr></thead>
    <tbody>{{#webhooks}}<tr><td><code>{{id}}</code></td><td>{{url}}</td><td>{{events}}</td><td>{{state}}</td></tr>{{/webhooks}}</tbody></table>{{/empty(webhooks)}}
    <p class="sub">Deliveries: {{deliveries}}</p>
    </section>
    {{/body}}{{/layout}}
    """

    static let problem = """
    {{<layout}}{{$body}}
    <h1>{{heading}}</h1>
    <p>{{detail}}</p>
    <p><a href="/app/queue">Back to the queue</a></p>
    {{/body}}{{/layout}}
    """
}
