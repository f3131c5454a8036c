/// The model that ships with Qualify, encoding the stage definitions the product is built on:
/// IQL: gave contact details for content, a webinar or samples; MQL: came back for more information (consideration);
/// SQL: asked for a demo, a trial, a consultation or to talk to sales. `qualify model show-default` prints it.
public enum DefaultModel {
    public static let fileName = "default-model.yaml"

    public static let yaml = #"""
    # Qualify's default B2B model. Copy it, agree on it with sales, edit, then check it with `qualify model check FILE`.
    name: default-b2b

    fit:
      rules:
        - { id: decision-maker, when: { field: job_title, matches: "(?i)\\b(chief|ceo|cto|cfo|coo|cmo|vp|vice president|head|director|owner|founder|partner)\\b" }, points: 20 }
        - { id: manager,        when: { field: job_title, matches: "(?i)\\b(manager|lead|principal)\\b" }, points: 10 }
        - { id: company-size,   when: { field: employees, between: [50, 5000] }, points: 20 }
        - { id: enterprise,     when: { field: employees, at_least: 5001 }, points: 10 }
        - { id: target-industry, when: { field: industry, in: [software, saas, technology, manufacturing, financial services, healthcare, consulting] }, points: 10 }
        - { id: company-email,  when: { email: company }, points: 10 }
        - { id: free-mail,      when: { email: free_provider }, points: -15 }
        - { id: role-address,   when: { email: role }, points: -10 }
        - { id: disposable,     when: { email: disposable }, points: -40 }
      grades: { A: 50, B: 30, C: 10 }          # below C: D

    engagement:
      half_life: 30d
      temperature: { hot: 60, warm: 25 }       # below warm: cold
      rules:
        - { id: visit,            on: page_view, points: 1, cap: { points: 10, per: 7d } }
        - { id: pricing-page,     on: page_view, where: { url: { contains: /pricing } }, points: 10, cap: { points: 20, per: 7d } }
        - { id: email-open,       on: email_open, points: 1, cap: { points: 5, per: 7d } }
        - { id: email-click,      on: email_click, points: 3, cap: { points: 15, per: 7d } }
        - { id: form,             on: form_submit, points: 10 }
        - { id: download,         on: content_download, points: 15 }
        - { id: sample,           on: sample_request, points: 15 }
        - { id: webinar-register, on: webinar_register, points: 10 }
        - { id: webinar-attend,   on: webinar_attend, points: 20 }
        - { id: trial,            on: trial_start, points: 40, once: true }
        - { id: consultation,     on: consultation_request, points: 40 }
        - { id: demo,             on: demo_request, points: 50 }
        - { id: contact-sales,    on: contact_sales, points: 50 }
        - { id: cart,             on: cart_add, points: 15 }
        - { id: unsubscribed,     on: unsubscribe, points: -30, once: true }
        - { id: bounced,          on: email_bounce, points: -20 }

    stages:
      # IQL: gave contact details for something useful (content, a webinar, samples)
      - id: iql
        when: { any: [ { event: content_download }, { event: webinar_register }, { event: sample_request }, { event: form_submit } ] }
      # MQL: came back for more information and is considering
      - id: mql
        when:
          any:
            - { all: [ { count: { of: [content_download, webinar_register, webinar_attend, sample_request, form_submit], at_least: 2 } }, { grade: { at_least: C } } ] }
            - { event: { type: page_view, where: { url: { contains: /pricing } } } }
            - { all: [ { engagement: { at_least: 25 } }, { grade: { at_least: C } } ] }
      # SQL: asked for a demo, a trial, a consultation or to talk to sales
      - id: sql
        when:
          any:
            - { event: demo_request }
            - { event: trial_start }
            - { event: consultation_request }
            - { event: contact_sales }
            - { all: [ { engagement: { at_least: 60 } }, { grade: { at_least: B } } ] }

    # What to offer next: the highest-ranked offer of the lead's stage that fits it (`when`, as in fit rules), that it
    # has not taken (`taken`: the event that marks it) and that was not offered within the follow-up's quiet period.
    offers:
      - { id: newsletter,    title: "Monthly newsletter",         kind: newsletter,    stages: [new],           taken: { event: form_submit, where: { form: newsletter-signup } } }
      - { id: webinar,       title: "Product tour webinar",       kind: webinar,       stages: [new, iql, recycled], taken: { event: webinar_register } }
      - { id: case_study,    title: "Customer case study",        kind: case_study,    stages: [iql, recycled], taken: { event: content_download, where: { asset: { contains: case-study } } } }
      - { id: spec_sheet,    title: "Platform spec sheet",        kind: spec_sheet,    stages: [iql],           taken: { event: content_download, where: { asset: { contains: spec-sheet } } } }
      - { id: catalog,       title: "2026 catalog",               kind: catalog,       stages: [iql],           taken: { event: content_download, where: { asset: { contains: catalog } } } }
      - { id: free_trial,    title: "Free trial",                 kind: free_trial,    stages: [mql],           taken: { event: trial_start } }
      - { id: consultation,  title: "Implementation consultation", kind: consultation, stages: [mql],           when: { field: employees, at_least: 50 }, taken: { event: consultation_request } }
      - { id: demo,          title: "Live demo",                  kind: demo,          stages: [mql],           taken: { event: demo_request } }
      - { id: estimate,      title: "Price estimate",             kind: estimate,      stages: [mql],           taken: { event: contact_sales, where: { form: request-quote } } }
      - { id: coupon,        title: "First-order coupon",         kind: coupon,        stages: [mql],           taken: { event: cart_add } }
      - { id: talk_to_sales, title: "Talk to sales",              kind: talk_to_sales, stages: [sql],           taken: { event: contact_sales } }

    # Spaced follow-ups: after a lead enters a stage, each step is due `after` its entry (never within `quiet` of the
    # last touch: a follow-up done or a salesperson's call, email or meeting). A reply or a meeting stops the stage's
    # cadence, a stage move starts the next one's; unsubscribed leads, hard bounces and addresses the hygiene check
    # rejects get none. `offer: best` is the next-best offer when the step is due. `qualify followups` lists what is due.
    follow_up:
      quiet: 2d
      iql:      [ { after: 3d, offer: best }, { after: 10d, offer: best }, { after: 30d, channel: email } ]
      mql:      [ { after: 2d, offer: free_trial }, { after: 5d, channel: call }, { after: 12d, offer: best }, { after: 30d, channel: email } ]
      recycled: [ { after: 30d, offer: best }, { after: 90d, channel: email } ]

    # The qualification checklist sales managers go through on a call (`qualify qualify EMAIL`): each answer is yes,
    # partly, no or unknown; the weighted share met gives the priority grade P1–P4 shown beside the fit grade.
    checklist:
      requirements:
        - { id: budget,    kind: budget,    weight: 3, question: "Is money set aside for this, or can they get it this year?" }
        - { id: authority, kind: authority, weight: 3, question: "Are we talking to the person who decides, or do we know who does and how they decide?" }
        - { id: need,      kind: need,      weight: 4, question: "Do they have a problem we solve, in their own words, and what does it cost them today?" }
        - { id: timeline,  kind: timeline,  weight: 2, question: "Do they want it working within six months, with a date that matters to them?" }
        - { id: icp,       kind: icp,       weight: 2, question: "Do they look like our best customers (industry, size, country, how they buy)?" }
        - { id: strengths, kind: strengths, weight: 2, question: "Do our strengths match what they expect most, better than the alternatives they consider?" }
      grades: { P1: 0.75, P2: 0.5, P3: 0.25 }

    # Accounts: the organisation behind a company email domain (free-mail and disposable domains never form one),
    # scored from its contacts whenever it is read, so it moves with every contact's event. engagement: sum_top (the
    # `top` most engaged contacts), sum or max; fit: best_contact, or fields (the fit rules on the value most contacts
    # give for each field). Roles are the buying committee, recognised by whole words in the job title.
    accounts:
      engagement: sum_top
      top: 3
      fit: best_contact
      temperature: { hot: 100, warm: 40 }
      roles:
        decision_maker: [ceo, chief, founder, owner, president, vp, vice president, director, head of, partner, general manager, managing director, coo, cmo, cro]
        champion: [manager, team lead, product owner, specialist, coordinator, consultant]
        technical: [cto, cio, engineer, engineering, developer, architect, it, devops, technical, system administrator, data]
        finance: [cfo, finance, financial, controller, accountant, accounting, procurement, purchasing, buyer]

    # A CRM's own stage imported with the leads (HubSpot's Lifecycle Stage and Lead Status, Salesforce's Lead Status):
    # a value in this table moves the lead to that stage — forward only, or to customer, disqualified or recycled — as an
    # imported stage move. Values match ignoring case, spaces and punctuation; other values stay plain fields.
    import:
      fields: [lifecycle_stage, lead_status, status]
      stages:
        Marketing Qualified Lead: mql
        MQL: mql
        Sales Qualified Lead: sql
        SQL: sql
        Opportunity: opportunity
        In Progress: opportunity
        Working - Contacted: opportunity
        Closed - Converted: opportunity
        Connected: opportunity
        Open Deal: opportunity
        Customer: customer
        Unqualified: disqualified
        Disqualified: disqualified
        Bad Timing: recycled
        Closed - Not Converted: disqualified
        Nurture: recycled
        Recycled: recycled
    """#
}
