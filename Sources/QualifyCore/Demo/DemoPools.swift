/// The word lists and weights demo data is drawn from, built once. Names are ASCII so that email local parts need no
/// escaping; property dictionaries are prebuilt so an event copies a reference instead of building a dictionary.
enum DemoPools {
    // MARK: People

    static let firstNames = [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William",
        "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy",
        "Matthew", "Lisa", "Anthony", "Emily", "Mark", "Sandra", "Steven", "Ashley", "Paul", "Michelle", "Andrew",
        "Amanda", "Joshua", "Melissa", "Kevin", "Laura", "Brian", "Rebecca", "Priya", "Rahul", "Arjun", "Ananya", "Wei",
        "Mei", "Hiroshi", "Yuki", "Lukas", "Anna", "Felix", "Sophie", "Jonas", "Marie", "Pierre", "Camille", "Hugo",
        "Lucas", "Mateo", "Sofia", "Isabella", "Carlos", "Ana", "Diego", "Lars", "Ingrid", "Olga", "Ivan", "Fatima",
        "Omar", "Aisha", "Kwame", "Amara", "Noah", "Liam", "Olivia", "Emma", "Ava", "Mia", "Ethan", "Chen", "Jin",
    ]
    static let lastNames = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson",
        "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green",
        "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Patel", "Shah", "Singh", "Kumar", "Wang",
        "Zhang", "Chen", "Liu", "Tanaka", "Sato", "Suzuki", "Kim", "Park", "Mueller", "Schmidt", "Schneider", "Fischer",
        "Weber", "Meyer", "Wagner", "Becker", "Dubois", "Bernard", "Moreau", "Rossi", "Russo", "Bianchi", "Silva",
        "Santos", "Oliveira", "Costa", "Jansen", "Nowak", "Kowalski", "Andersson", "Johansson", "Nielsen", "Hansen",
        "Murphy", "Kelly", "Walsh", "Okafor", "Mensah", "Haddad",
    ]
    static let firstNamesLower = firstNames.map { $0.lowercased() }
    static let lastNamesLower = lastNames.map { $0.lowercased() }

    enum Tier: Sendable { case decisionMaker, manager, individual }
    struct Title: Sendable {
        let text: String
        let tier: Tier
    }

    /// Roughly a fifth decision makers, a third managers, the rest individual contributors.
    static let titles = WeightedTable<Title>(
        [
            ("CEO", 3), ("Founder", 2), ("Co-Founder", 1), ("Owner", 2), ("CTO", 2), ("CFO", 1), ("COO", 1), ("CMO", 1),
            ("Chief Revenue Officer", 1), ("VP Sales", 2), ("VP Marketing", 2), ("VP Engineering", 1),
            ("Vice President, Operations", 1), ("Head of Marketing", 2), ("Head of Sales", 2), ("Head of IT", 1),
            ("Director of IT", 2), ("Director of Marketing", 2), ("Director of Operations", 1), ("Managing Partner", 1),
        ].map { (Title(text: $0.0, tier: .decisionMaker), $0.1) }
            + [
                ("Marketing Manager", 5), ("Sales Manager", 4), ("IT Manager", 4), ("Product Manager", 4),
                ("Operations Manager", 3), ("Procurement Manager", 2), ("Engineering Manager", 2), ("Account Manager", 3),
                ("Team Lead", 2), ("Principal Engineer", 1), ("Project Manager", 3),
            ].map { (Title(text: $0.0, tier: .manager), $0.1) }
            + [
                ("Marketing Specialist", 5), ("Sales Representative", 5), ("Software Engineer", 6), ("Data Analyst", 4),
                ("Business Analyst", 4), ("Consultant", 3), ("Accountant", 2), ("Designer", 2), ("Coordinator", 3),
                ("Executive Assistant", 2), ("Developer", 4), ("System Administrator", 3), ("Student", 3),
                ("Intern", 2), ("Buyer", 2),
            ].map { (Title(text: $0.0, tier: .individual), $0.1) })

    // MARK: Companies

    /// 64 × 64 name stems, distinct when concatenated (checked by a test).
    static let prefixes = [
        "North", "South", "East", "West", "Blue", "Red", "Green", "Silver", "Gold", "Iron", "Bright", "Clear", "Deep",
        "High", "Swift", "True", "Prime", "Nova", "Apex", "Summit", "Pine", "Oak", "Maple", "Cedar", "River", "Lake",
        "Ocean", "Sun", "Star", "Moon", "Sky", "Storm", "Frost", "Copper", "Crystal", "Falcon", "Eagle", "Hawk", "Fox",
        "Wolf", "Bear", "Lion", "Orbit", "Quantum", "Vector", "Pixel", "Atlas", "Zen", "Bold", "Keen", "Vivid", "Lumen",
        "Terra", "Aqua", "Ember", "Arc", "Echo", "Polar", "Rapid", "Solid", "Open", "Smart", "Urban", "Royal",
    ]
    static let prefixesLower = prefixes.map { $0.lowercased() }
    static let cores = [
        "field", "wind", "forge", "stone", "bridge", "gate", "point", "line", "wave", "peak", "ridge", "brook", "dale",
        "wood", "haven", "port", "view", "crest", "light", "spark", "path", "way", "mark", "core", "sphere", "scape",
        "stream", "vale", "well", "ton", "ford", "bury", "wick", "more", "land", "side", "shore", "bay", "hill", "grove",
        "mont", "works", "beam", "bit", "cast", "craft", "dock", "flow", "frame", "grid", "hub", "loop", "mill", "nest",
        "pulse", "rock", "sail", "shift", "span", "tide", "track", "vault", "yard", "zone",
    ]

    struct Industry: Sendable {
        let name: String
        /// in the default model's target-industry list
        let target: Bool
    }
    static let industries: [Industry] = [
        Industry(name: "software", target: true), Industry(name: "saas", target: true),
        Industry(name: "technology", target: true), Industry(name: "manufacturing", target: true),
        Industry(name: "healthcare", target: true), Industry(name: "financial services", target: true),
        Industry(name: "retail", target: false), Industry(name: "education", target: false),
        Industry(name: "government", target: false), Industry(name: "consulting", target: true),
        Industry(name: "logistics", target: false), Industry(name: "telecommunications", target: false),
        Industry(name: "media", target: false), Industry(name: "energy", target: false),
    ]
    static let software = 0, saas = 1, education = 7, government = 8

    /// 64 company kinds, each tied to one industry; how many an industry has sets its share of companies.
    static let kinds: [(word: String, industry: Int)] = [
        ("Software", 0), ("Labs", 0), ("Systems", 0), ("Technologies", 0), ("Code", 0), ("Data", 0), ("Analytics", 0),
        ("Cloud", 1), ("HQ", 1), ("App", 1), ("Stack", 1), ("Platform", 1), ("Ops", 1),
        ("Tech", 2), ("Digital", 2), ("Devices", 2), ("Electronics", 2),
        ("Industries", 3), ("Manufacturing", 3), ("Machinery", 3), ("Components", 3), ("Plastics", 3), ("Metals", 3),
        ("Fabrication", 3),
        ("Health", 4), ("Medical", 4), ("Care", 4), ("Clinics", 4), ("Pharma", 4),
        ("Capital", 5), ("Financial", 5), ("Bank", 5), ("Insurance", 5), ("Wealth", 5),
        ("Retail", 6), ("Stores", 6), ("Goods", 6), ("Outfitters", 6), ("Market", 6),
        ("Academy", 7), ("Learning", 7), ("Institute", 7), ("College", 7),
        ("County", 8), ("Council", 8), ("Authority", 8),
        ("Consulting", 9), ("Advisors", 9), ("Partners", 9), ("Associates", 9), ("Strategy", 9),
        ("Logistics", 10), ("Freight", 10), ("Shipping", 10),
        ("Telecom", 11), ("Networks", 11), ("Wireless", 11),
        ("Media", 12), ("Studios", 12), ("Publishing", 12),
        ("Energy", 13), ("Power", 13), ("Solar", 13), ("Utilities", 13),
    ]
    static let kindWordsLower = kinds.map { $0.word.lowercased() }

    struct EmployeeBucket: Sendable {
        let low: Int
        let high: Int
        let label: String
    }
    /// Skewed to small companies, like a real inbound list.
    static let employeeBuckets = WeightedTable<EmployeeBucket>([
        (EmployeeBucket(low: 1, high: 10, label: "1-10"), 18), (EmployeeBucket(low: 11, high: 50, label: "11-50"), 24),
        (EmployeeBucket(low: 51, high: 200, label: "51-200"), 24),
        (EmployeeBucket(low: 201, high: 500, label: "201-500"), 13),
        (EmployeeBucket(low: 501, high: 1000, label: "501-1000"), 8),
        (EmployeeBucket(low: 1001, high: 5000, label: "1001-5000"), 8),
        (EmployeeBucket(low: 5001, high: 10000, label: "5001-10000"), 3),
        (EmployeeBucket(low: 10001, high: 250_000, label: "10001+"), 2),
    ])

    struct Country: Sendable {
        let name: String
        let dialCode: String
        let tld: String
    }
    static let countries = WeightedTable<Country>([
        (Country(name: "United States", dialCode: "+1", tld: "com"), 36),
        (Country(name: "United Kingdom", dialCode: "+44", tld: "co.uk"), 10),
        (Country(name: "Germany", dialCode: "+49", tld: "de"), 9), (Country(name: "France", dialCode: "+33", tld: "fr"), 5),
        (Country(name: "Canada", dialCode: "+1", tld: "ca"), 6), (Country(name: "India", dialCode: "+91", tld: "in"), 7),
        (Country(name: "Australia", dialCode: "+61", tld: "com.au"), 4),
        (Country(name: "Netherlands", dialCode: "+31", tld: "nl"), 3), (Country(name: "Spain", dialCode: "+34", tld: "es"), 3),
        (Country(name: "Brazil", dialCode: "+55", tld: "com.br"), 3), (Country(name: "Sweden", dialCode: "+46", tld: "se"), 2),
        (Country(name: "Japan", dialCode: "+81", tld: "co.jp"), 2),
        (Country(name: "Singapore", dialCode: "+65", tld: "com.sg"), 2),
        (Country(name: "Ireland", dialCode: "+353", tld: "ie"), 2), (Country(name: "Italy", dialCode: "+39", tld: "it"), 2),
        (Country(name: "Poland", dialCode: "+48", tld: "pl"), 1), (Country(name: "Mexico", dialCode: "+52", tld: "com.mx"), 1),
        (Country(name: "South Africa", dialCode: "+27", tld: "co.za"), 1),
        (Country(name: "Switzerland", dialCode: "+41", tld: "ch"), 1), (Country(name: "Denmark", dialCode: "+45", tld: "dk"), 1),
    ])

    static let leadSources = WeightedTable<String>([
        ("website", 25), ("organic_search", 15), ("paid_search", 10), ("linkedin", 10), ("webinar", 7),
        ("content_syndication", 7), ("referral", 7), ("trade_show", 6), ("partner", 4), ("list_import", 9),
    ])

    static let freeMailDomains = WeightedTable<String>([("gmail.com", 60), ("outlook.com", 25), ("yahoo.com", 15)])
    static let roleLocalParts = WeightedTable<String>([("info", 5), ("sales", 2), ("contact", 2), ("office", 1)])

    // MARK: Event properties (prebuilt dictionaries)

    static func props(_ key: String, _ values: [String]) -> [[String: String]] { values.map { [key: $0] } }

    static let browsePages = WeightedTable<[String: String]>(
        [("/", 12), ("/product/overview", 8), ("/product/integrations", 4), ("/product/security", 3),
         ("/product/analytics", 3), ("/docs/getting-started", 3), ("/about", 3), ("/careers", 2), ("/resources", 4),
         ("/webinars", 2), ("/contact", 2)].map { (["url": $0.0], $0.1) }
            + [
                "/blog/what-is-lead-scoring", "/blog/mql-vs-sql", "/blog/b2b-buyer-journey", "/blog/intent-data-explained",
                "/blog/account-based-marketing-101", "/blog/email-deliverability-checklist", "/blog/sales-handoff-sla",
                "/blog/crm-data-hygiene", "/blog/ideal-customer-profile", "/blog/abc-xyz-analysis",
                "/blog/nurture-campaign-ideas", "/blog/webinar-follow-up",
            ].map { (["url": $0], 4) }
            + [
                "/case-studies/northfield-logistics", "/case-studies/bluepeak-health", "/case-studies/ironforge-industries",
                "/case-studies/summit-capital", "/case-studies/clearpath-software",
            ].map { (["url": $0], 2) })
    static let pricingPages = props("url", ["/pricing", "/pricing", "/pricing/enterprise", "/pricing#compare"])
    static let campaigns = props("campaign", [
        "monthly-newsletter", "product-update", "nurture-welcome-1", "nurture-welcome-2", "nurture-welcome-3",
        "webinar-invite", "case-study-digest", "event-invite", "re-engagement", "industry-report",
    ])
    static let assets = props("asset", [
        "ebook-lead-scoring-guide", "whitepaper-roi-of-qualification", "spec-sheet-platform", "case-study-summit-capital",
        "catalog-2026", "checklist-data-hygiene", "report-state-of-sales-ops", "template-qualification-framework",
    ])
    static let webinars = props("webinar", [
        "webinar-pipeline-basics", "webinar-abm-101", "webinar-product-tour", "webinar-customer-panel",
    ])
    static let forms = props("form", ["newsletter-signup", "contact-us", "event-registration", "gated-content"])
    static let samples = props("product", ["starter-kit", "sensor-pack", "sample-box", "evaluation-unit"])
    static let trials = props("plan", ["starter", "professional", "enterprise"])
    static let demos = props("product", ["platform", "analytics", "integrations"])
    static let consultations = props("topic", ["implementation", "migration", "pricing", "security-review"])
    static let contactSales = props("form", ["contact-sales", "request-quote"])
    static let carts = props("sku", ["SKU-1001", "SKU-1002", "SKU-2001", "SKU-3005"])
    static let bounces: [[String: String]] = ["hard", "soft"].flatMap { reason in
        ["monthly-newsletter", "product-update", "nurture-welcome-1"].map { ["campaign": $0, "reason": reason] }
    }
}

/// One step of a demo journey: an event type with how its properties are drawn.
enum DemoStep: Sendable {
    case view, pricing, open, click, download, webinarRegister, webinarAttend, form, sample
    case trial, demo, consultation, contactSales, cart, unsubscribe, bounce

    func typeAndProperties(_ rng: inout DemoRandom) -> (String, [String: String]) {
        func any(_ pool: [[String: String]]) -> [String: String] { pool[rng.below(pool.count)] }
        switch self {
        case .view: return ("page_view", DemoPools.browsePages.pick(&rng))
        case .pricing: return ("page_view", any(DemoPools.pricingPages))
        case .open: return ("email_open", any(DemoPools.campaigns))
        case .click: return ("email_click", any(DemoPools.campaigns))
        case .download: return ("content_download", any(DemoPools.assets))
        case .webinarRegister: return ("webinar_register", any(DemoPools.webinars))
        case .webinarAttend: return ("webinar_attend", any(DemoPools.webinars))
        case .form: return ("form_submit", any(DemoPools.forms))
        case .sample: return ("sample_request", any(DemoPools.samples))
        case .trial: return ("trial_start", any(DemoPools.trials))
        case .demo: return ("demo_request", any(DemoPools.demos))
        case .consultation: return ("consultation_request", any(DemoPools.consultations))
        case .contactSales: return ("contact_sales", any(DemoPools.contactSales))
        case .cart: return ("cart_add", any(DemoPools.carts))
        case .unsubscribe: return ("unsubscribe", any(DemoPools.campaigns))
        case .bounce: return ("email_bounce", any(DemoPools.bounces))
        }
    }

    /// Giving contact details for something useful (IQL in the default model).
    static let firstInterest = WeightedTable<DemoStep>([(.download, 55), (.webinarRegister, 20), (.form, 15), (.sample, 10)])
    /// Coming back for more (with pricing views, MQL in the default model).
    static let comeback = WeightedTable<DemoStep>([(.download, 55), (.webinarRegister, 15), (.sample, 15), (.form, 15)])
    /// Asking to buy (SQL in the default model).
    static let request = WeightedTable<DemoStep>([(.demo, 45), (.trial, 25), (.contactSales, 20), (.consultation, 10)])
    /// Everything else a lead does.
    static let browsing = WeightedTable<DemoStep>([(.view, 600), (.open, 280), (.click, 110), (.cart, 3)])
    static let considering = WeightedTable<DemoStep>([(.view, 540), (.pricing, 60), (.open, 280), (.click, 110), (.cart, 10)])
}
