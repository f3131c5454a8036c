#!/usr/bin/env python3
"""The web app in a real browser: headless Chromium (Debian's chromium + chromium-driver) driven by Selenium, against a
started `qualify serve` with demo data. Checks the flows people use, the role and CSRF refusals, accessibility with
axe-core (no serious or critical violation on any page), and saves a screenshot of every page at 1280 and 390 px wide
under .build/screenshots/.

    python3 Tests/Browser/web_suite.py [--qualify .build/debug/qualify]

Exits non-zero naming each failed check.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from axe_selenium_python import Axe

PASSWORDS = {"ana@example.com": "admin-password-1", "mia@example.com": "marketing-pass-1", "sam@example.com": "sales-password-1"}
ROLES = {"ana@example.com": "admin", "mia@example.com": "marketing", "sam@example.com": "sales"}
failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def start_server(qualify, folder):
    db = os.path.join(folder, "q.sqlite")
    run([qualify, "demo", "--leads", "400", "--seed", "11", "--out", folder])
    run([qualify, "import", "leads", os.path.join(folder, "leads.csv"), "--database", db])
    run([qualify, "import", "events", os.path.join(folder, "events.csv"), "--database", db])
    for email, role in ROLES.items():
        run([qualify, "users", "add", email, "--role", role, "--password-stdin", "--database", db], input=PASSWORDS[email] + "\n")
    log = open(os.path.join(folder, "serve.log"), "w")
    proc = subprocess.Popen([qualify, "serve", "--port", "0", "--database", db], stdout=subprocess.PIPE, stderr=log, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.search(r"serving http://127\.0\.0\.1:(\d+)", line or "")
        if m:
            return proc, f"http://127.0.0.1:{m.group(1)}"
        if proc.poll() is not None:
            break
    raise SystemExit("qualify serve did not start; see " + log.name)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"]:
        options.add_argument(arg)
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    return driver


class Session:
    def __init__(self, base, shots):
        self.base = base
        self.shots = shots
        self.driver = browser()

    def go(self, path):
        self.driver.get(self.base + path)

    def sign_in(self, email, password=None):
        self.driver.delete_all_cookies()
        self.go("/app/sign-in")
        self.driver.find_element(By.ID, "email").send_keys(email)
        self.driver.find_element(By.ID, "password").send_keys(password or PASSWORDS[email])
        self.submit("main form button[type=submit]")

    def submit(self, css):
        """Clicks a form's button and waits for the next page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, css).click()

        def gone(_):
            # the old document is gone once its element cannot be asked anything: Chromium answers a stale element
            # either as stale or, while the new document replaces it, "Node … does not belong to the document"
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True
        WebDriverWait(self.driver, 30).until(gone)
        WebDriverWait(self.driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def wait_for(self, needle, css=None, seconds=30):
        """Waits until the page shows `needle` (and has an element matching `css`), riding over the moment the upload
        script replaces the document."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if needle in self.text() and (css is None or self.driver.find_elements(By.CSS_SELECTOR, css)):
                    return True
            except WebDriverException:
                pass
            time.sleep(0.2)
        return False

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def axe(self, name):
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        for v in bad:
            print(f"      axe {v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})")
        check(not bad, f"axe: no serious or critical violations on {name}")

    def screenshots(self, name):
        for width in (1280, 390):
            self.driver.set_window_size(width, 900)
            height = self.driver.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
            self.driver.set_window_size(width, max(900, height))
            self.driver.save_screenshot(os.path.join(self.shots, f"{name}-{width}.png"))
            overflow = self.driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if not check(overflow <= 1, f"{name} at {width} px: no sideways scrolling of the page ({overflow} px)"):
                widest = self.driver.execute_script(
                    "var w = null; document.querySelectorAll('body *').forEach(function (e) {"
                    " if (!w || e.getBoundingClientRect().right > w.getBoundingClientRect().right) w = e; });"
                    " return w ? w.outerHTML.slice(0, 160) : '';")
                print("      widest element: " + widest)
        self.driver.set_window_size(1280, 900)

    def post(self, path, fields):
        """A form post from this page's JavaScript (same origin, with this browser's cookies): the status code."""
        body = urllib.parse.urlencode(fields)
        return self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1],"
            " redirect: 'manual', credentials: 'same-origin'}).then(function (r) { done(r.status); }, function (e) { done(String(e)); });",
            path, body)

    def csrf(self):
        return self.driver.find_element(By.CSS_SELECTOR, "input[name=csrf]").get_attribute("value")

    def quit(self):
        self.driver.quit()


def sales_flow(s):
    s.sign_in("sam@example.com")
    check("/app/queue" in s.driver.current_url, "sales signs in and lands on the queue")
    s.go("/app/queue?view=all")
    Select(s.driver.find_element(By.NAME, "stage")).select_by_value("sql")
    s.submit("form.filters button[type=submit]")
    rows = s.driver.find_elements(By.CSS_SELECTOR, "table.queue tbody tr")
    check(len(rows) > 0, f"the queue filtered to SQL shows leads ({len(rows)})")
    s.axe("the queue")
    s.screenshots("queue")
    # keyboard: j moves to the first row, Enter opens it
    s.driver.find_element(By.TAG_NAME, "body").send_keys("j")
    focused = s.driver.switch_to.active_element.get_attribute("href") or ""
    check("/app/leads/" in focused, "j focuses the first lead's link")
    first = rows[0].find_element(By.CSS_SELECTOR, "a")
    email = urllib.parse.unquote(first.get_attribute("href").rsplit("/", 1)[1])
    s.driver.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(s.driver, 20).until(lambda d: "/app/leads/" in d.current_url)
    check(email in s.text() and "SQL" in s.text(), f"the top SQL lead's card opens ({email})")
    s.axe("the lead card")
    s.screenshots("card")
    Select(s.driver.find_element(By.ID, "action")).select_by_value("accept")
    s.driver.find_element(By.ID, "reason").send_keys("budget confirmed on the first call")
    s.submit("form.act button")
    WebDriverWait(s.driver, 20).until(lambda d: "done=accept" in d.current_url)
    body = s.text()
    check("Recorded: accept" in body and "opportunity" in body, "accepting with a reason: the card shows the new stage")
    check("budget confirmed on the first call" in body and "<sam@example.com>" in body, "the stage history shows the reason and who")
    # refusals: the model page's form from a sales session, and a form without the CSRF token
    s.go("/app/queue")
    token = s.csrf()
    status = s.post("/app/model", {"csrf": token, "do": "activate", "source": "name: x"})
    check(status == 403, f"a sales session posting to the model page is refused ({status})")
    status = s.post(urllib.parse.quote(f"/app/leads/{email}/stage"), {"action": "recycle", "reason": "no token"})
    check(status == 403, f"a form without the CSRF token is refused ({status})")
    s.go("/app/model")
    check("Not for your role" in s.text(), "the model page is a 403 page for sales")
    s.go("/app/leads/" + urllib.parse.quote(email))
    check("no token" not in s.text(), "the refused move left no trace")
    s.go("/app/insights")
    s.axe("insights")
    s.screenshots("insights")
    s.go("/app/insights/funnel?by=lead_source")
    check("Went further" in s.text() and "By lead_source" in s.text(), "the funnel page shows the stages and the groups")
    s.axe("the funnel")
    s.screenshots("funnel")
    s.go("/app/followups?due=all")
    check("Follow-ups" in s.text() and "step 1 of" in s.text(), "the follow-ups page lists due steps")
    s.axe("the follow-ups")
    s.screenshots("followups")
    s.go("/app/accounts")
    check("Buying committee" in s.text() and "A · hot" in s.text(), "the account queue lists scored accounts")
    s.axe("the accounts")
    s.screenshots("accounts")
    first = s.driver.find_element(By.CSS_SELECTOR, "table.queue tbody a")
    domain = urllib.parse.unquote(first.get_attribute("href").rsplit("/", 1)[1])
    first.click()
    WebDriverWait(s.driver, 20).until(lambda d: "/app/accounts/" in d.current_url)
    check(domain in s.text() and "Contacts" in s.text() and "Ledger" in s.text(), f"the top account's card opens ({domain})")
    s.axe("the account card")
    s.screenshots("account")


def marketing_flow(s, folder):
    s.sign_in("mia@example.com")
    s.go("/app/model")
    s.axe("the model")
    s.screenshots("model")
    area = s.driver.find_element(By.ID, "source")
    original = area.get_attribute("value")
    lines = original.split("\n")
    at = next(i for i, l in enumerate(lines) if l.strip().startswith("grades:"))
    broken = lines[:]
    broken[at] = broken[at].replace("grades:", "grades: [")
    s.driver.execute_script("arguments[0].value = arguments[1];", area, "\n".join(broken))
    s.submit("button[value=validate]")
    links = s.driver.find_elements(By.CSS_SELECTOR, ".problems a")
    check(len(links) > 0, "a broken model lists its problems")
    if links:
        target = links[0].get_attribute("href").split("#")[1]
        links[0].click()
        line = s.driver.find_element(By.ID, target)
        check("bad" in (line.get_attribute("class") or ""), f"the problem links to its line, marked ({target}, the break on L{at + 1})")
    s.axe("the model with errors")
    s.screenshots("model-errors")
    area = s.driver.find_element(By.ID, "source")
    fixed = original.replace("name: default-b2b", "name: tuned-b2b")
    s.driver.execute_script("arguments[0].value = arguments[1];", area, fixed)
    s.submit("button[value=dry-run]")
    check("Dry run" in s.text() and "leads replayed" in s.text(), "the fixed model's dry run reports what would change")
    s.submit("button[value=activate]")
    body = s.text()
    check("Version 2 is active" in body and "<mia@example.com>" in body, "activating records the version and who did it")
    s.go("/app/model/diff?from=1&to=2")
    check("name: tuned-b2b" in s.text(), "the difference between the versions shows the change")
    s.axe("the model difference")
    s.screenshots("model-diff")
    # uploads
    transactions = os.path.join(folder, "transactions.csv")
    with open(transactions, "w") as f:
        f.write("customer,date,amount\n")
        for c in range(40):
            for m in range(1, 13):
                if (c + m) % (1 + c % 4) == 0:
                    f.write(f"Customer {c},2025-{m:02d}-15,{(c + 1) * 10 + m}\n")
    s.go("/app/insights/abc-xyz")
    s.driver.find_element(By.ID, "file").send_keys(transactions)
    s.driver.find_element(By.CSS_SELECTOR, "form.upload button").click()
    check(s.wait_for("customers", "a[download]"), "ABC-XYZ: the upload is analysed")
    check(len(s.driver.find_elements(By.CSS_SELECTOR, "figure svg")) == 1, "ABC-XYZ: the chart is drawn")
    s.axe("ABC-XYZ results")
    s.screenshots("abc-xyz")
    emails = os.path.join(folder, "list.csv")
    with open(emails, "w") as f:
        f.write("email,name\nada@gmail.com,Ada\nbob@mailinator.com,Bob\ninfo@acme.io,Info\nnot-an-address,X\ncy@gmial.com,Cy\n")
    s.go("/app/insights/hygiene")
    s.driver.find_element(By.ID, "file").send_keys(emails)
    s.driver.find_element(By.CSS_SELECTOR, "form.upload button").click()
    check(s.wait_for("rows checked", "a[download]"), "list hygiene: the upload is checked")
    check("5 rows checked" in s.text(), "list hygiene: every row checked")
    s.axe("list hygiene results")
    s.screenshots("hygiene")


def admin_flow(s):
    s.sign_in("ana@example.com")
    s.go("/app/settings")
    s.axe("settings")
    s.screenshots("settings")
    s.driver.find_element(By.ID, "u-email").send_keys("lea@example.com")
    s.driver.find_element(By.ID, "u-name").send_keys("Lea Wolf")
    Select(s.driver.find_element(By.ID, "u-role")).select_by_value("sales")
    s.driver.find_element(By.ID, "u-password").send_keys("lea-password-12")
    s.submit("form.add button")
    check("Added lea@example.com as sales" in s.text(), "the admin adds a user")
    s.submit("form.signout button")
    WebDriverWait(s.driver, 20).until(lambda d: "/app/sign-in" in d.current_url)
    s.axe("sign-in")
    s.screenshots("sign-in")
    s.sign_in("lea@example.com", "lea-password-12")
    check("/app/queue" in s.driver.current_url and "Lea Wolf" in s.text(), "the new user signs in")
    s.go("/app/settings")
    check("Not for your role" in s.text(), "settings is a 403 page for sales")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--qualify", default=".build/debug/qualify")
    parser.add_argument("--shots", default=".build/screenshots")
    args = parser.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="qualify-browser-")
    server, base = start_server(os.path.abspath(args.qualify), folder)
    print(f"qualify serve at {base}; screenshots in {args.shots}", flush=True)
    try:
        for flow in (sales_flow, lambda s: marketing_flow(s, folder), admin_flow):
            s = Session(base, args.shots)
            try:
                flow(s)
            except Exception as error:  # a step that could not run is a failure, named
                check(False, f"{getattr(flow, '__name__', 'flow')}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
                s.driver.save_screenshot(os.path.join(args.shots, "failure.png"))
            finally:
                s.quit()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{len(failures)} failed check(s)" if failures else "every browser check passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
