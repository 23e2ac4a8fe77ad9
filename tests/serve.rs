//! `quelle serve`: every API endpoint, bad requests included, answers under concurrent
//! requests while the index refreshes, and the real page driven in headless Chromium
//! (Debian's `chromium` and `chromium-driver`; skipped where they are missing, unless
//! `QUELLE_REQUIRE_TOOLS` is set, as in CI): typing a query shows highlighted hits in both
//! languages, a filter narrows them, the reading view shows the context, a citation is
//! copied, a quote is checked, and a corpus file full of HTML runs nothing.

mod common;
#[path = "common/webdriver.rs"]
mod webdriver;

use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};

use common::Sandbox;
use serde_json::Value;
use webdriver::{By, Session};

/// A running `quelle serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(s: &Sandbox) -> Server {
    serve_checking_every(s, 1)
}

/// A server whose timer checks the corpus every `secs` (a watcher, where there is one,
/// says sooner).
fn serve_checking_every(s: &Sandbox, secs: u64) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quelle"))
        .arg("--corpus")
        .arg(s.corpus())
        .arg("--index")
        .arg(s.index())
        .args(["serve", "--port", "0", "--refresh", &secs.to_string()])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("quelle serve starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufReader::new(stderr).lines();
    let port = loop {
        let line = lines.next().expect("quelle serve says where it listens").unwrap();
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .split('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
        }
    };
    // The rest of its messages go on being read, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, port }
}

/// One HTTP request: the status and the body.
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let (status, body) = webdriver::http(port, method, path, body);
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get_json(port: u16, path: &str) -> (u16, Value) {
    let (status, body) = http(port, "GET", path, None);
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
}

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write("moss.en.txt", "Mosses of the moor\n\nThe grey moss grows slowly on granite, a millimetre a year.\nThe shield lichen was found twice in the damp hollows.\n");
    s.write("moss.ru.txt", "Мхи болот\n\nСерый мох растёт на граните медленно, по миллиметру в год.\nЩитовидный лишайник нашли дважды в сырых лощинах.\n");
    s.write(
        "trap.html",
        "<html><head><title>A page of traps</title></head><body><article>\
         <p>Moss facts &lt;script&gt;window.__xss = 1&lt;/script&gt; and <b>bold</b> moss words for the granite.</p>\
         <p>More moss: &lt;img src=x onerror=\"window.__xss = 2\"&gt; on the granite of the moor, they say.</p>\
         </article></body></html>",
    );
    s
}

#[test]
fn every_endpoint_answers_and_bad_requests_get_a_json_400() {
    let s = sandbox();
    let server = serve(&s);
    let port = server.port;
    let (status, v) = get_json(port, "/api/search?q=moss&limit=5&facets=true");
    assert_eq!(status, 200, "{v}");
    assert!(v["hits"].as_array().unwrap().len() >= 2, "{v}");
    assert_eq!(v["hits"][0]["lang"], "en");
    assert!(
        v["facets"]["lang"]["ru"].as_u64().unwrap() >= 1,
        "the Russian translation counts: {v}"
    );
    // Same fields as the CLI's --json.
    for field in [
        "id",
        "doc",
        "title",
        "lang",
        "section",
        "line_start",
        "line_end",
        "text",
        "highlights",
        "matched",
        "citation",
    ] {
        assert!(!v["hits"][0][field].is_null(), "{field}: {v}");
    }
    let (status, v) = get_json(port, "/api/search?q=moss&lang=ru");
    assert_eq!((status, v["hits"][0]["lang"].as_str()), (200, Some("ru")), "{v}");
    let id = v["hits"][0]["id"].as_str().unwrap().to_string();
    let (status, v) = get_json(port, &format!("/api/passage/{}?context=1", id.replace(':', "%3A")));
    assert_eq!(status, 200, "{v}");
    assert!(v["passages"].as_array().unwrap().len() >= 2);
    let (status, v) = get_json(port, &format!("/api/cite/{id}?style=gost"));
    assert_eq!(status, 200, "{v}");
    assert!(v["formatted"].as_str().unwrap().starts_with('«'), "{v}");
    let (status, v) = get_json(port, &format!("/api/cite/{id}?style=chicago&quote=%D0%BC%D0%BE%D1%85%20%D1%80%D0%B0%D1%81%D1%82%D1%91%D1%82"));
    assert_eq!((status, v["text"].as_str()), (200, Some("мох растёт")), "{v}");
    let (status, body) = http(
        port,
        "POST",
        "/api/check",
        Some(r#"{"text": "Он пишет: «Серый мох растёт на граните медленно»."}"#),
    );
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((status, v["quotes"][0]["verdict"].as_str()), (200, Some("exact")), "{v}");
    let (status, v) = get_json(port, "/api/styles");
    assert!(status == 200 && v["styles"].as_array().unwrap().iter().any(|s| s == "gost"));
    let (status, v) = get_json(port, "/api/status");
    assert_eq!((status, v["documents"].as_u64()), (200, Some(3)), "{v}");
    // Bad requests: one JSON error each, never a dropped connection.
    for (path, want) in [
        ("/api/search?q=%22moss", 400),
        ("/api/search?q=", 400),
        ("/api/search?limit=abc&q=moss", 400),
        ("/api/search?q=moss&lang=xx", 400),
        ("/api/passage/nothing.txt:1", 404),
        ("/api/passage/..%2F..%2F..%2Fetc%2Fpasswd", 404),
        ("/api/cite/nothing.txt:1", 404),
        (&*format!("/api/cite/{id}?style=nonesuch"), 400),
        (&*format!("/api/cite/{id}?quote=words%20it%20never%20had"), 400),
        ("/api/nothing", 404),
    ] {
        let (status, body) = http(port, "GET", path, None);
        assert_eq!(status, want, "{path}: {body}");
        let v: Value =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
        assert!(v["error"].is_string(), "{path}: {v}");
    }
    let (status, v) = get_json(port, "/api/search?q=%22moss");
    assert_eq!((status, v["column"].as_u64()), (400, Some(1)), "{v}");
    let long = format!("/api/search?q={}", "moss+".repeat(2000));
    assert_eq!(http(port, "GET", &long, None).0, 400);
    for body in ["not json", r#"{"text": ""}"#, r#"{"other": 1}"#] {
        let (status, b) = http(port, "POST", "/api/check", Some(body));
        assert_eq!(status, 400, "{body}: {b}");
    }
    let big = format!(r#"{{"text": "{}"}}"#, "a".repeat(2 << 20));
    assert_eq!(http(port, "POST", "/api/check", Some(&big)).0, 413);
    // The page forbids every script but its own.
    let (status, page) = http(port, "GET", "/", None);
    assert!(status == 200 && page.contains("<script src=\"/app.js\"></script>"));
}

#[test]
fn concurrent_requests_are_answered_while_the_index_refreshes() {
    let s = sandbox();
    let server = serve(&s);
    let port = server.port;
    let workers: Vec<_> = (0..8)
        .map(|w| {
            std::thread::spawn(move || {
                for i in 0..15 {
                    let q = ["moss", "лишайник", "granite", "\"damp hollows\""][(w + i) % 4];
                    let (status, v) = get_json(
                        port,
                        &format!("/api/search?q={}", q.replace(' ', "%20").replace('"', "%22")),
                    );
                    assert_eq!(status, 200, "{q}: {v}");
                    assert!(v["hits"].is_array());
                }
            })
        })
        .collect();
    // A new document while they search: the server indexes it and then finds it.
    s.write("fern.txt", "The bracken fern spreads over the western slope.\n");
    for w in workers {
        w.join().unwrap();
    }
    let mut found = false;
    for _ in 0..50 {
        let (_, v) = get_json(port, "/api/search?q=bracken");
        if v["hits"].as_array().is_some_and(|h| !h.is_empty()) {
            found = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(found, "the new document is found after the refresh");
}

#[test]
fn a_watched_corpus_is_indexed_as_soon_as_it_changes() {
    let s = sandbox();
    // The timer alone would wait an hour: what is found sooner, the watcher saw.
    let server = serve_checking_every(&s, 3600);
    let finds = |q: &str| {
        (0..100).any(|_| {
            let (_, v) = get_json(server.port, &format!("/api/search?q={q}"));
            let found = v["hits"].as_array().is_some_and(|h| !h.is_empty());
            if !found {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            found
        })
    };
    assert!(finds("granite"));
    // An edit in place (the folder does not change) and a file in a new folder.
    let mut file =
        std::fs::OpenOptions::new().append(true).open(s.corpus().join("moss.en.txt")).unwrap();
    writeln!(file, "\nA quillwort stood in the shallow tarn.").unwrap();
    drop(file);
    assert!(finds("quillwort"), "an edit in place is indexed");
    s.write("later/sedge.txt", "The tussock sedge leans over the ditch.\n");
    assert!(finds("tussock"), "a file in a new folder is indexed");
}

/// Chromium and its driver, or why the browser test cannot run.
fn browser_tools() -> Option<(String, String)> {
    let find = |names: &[&str]| {
        names
            .iter()
            .find(|n| Command::new(n).arg("--version").output().is_ok())
            .map(|n| n.to_string())
    };
    let chromium = find(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find(&["chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            let why = "chromium and chromium-driver are needed (apt-get install chromium chromium-driver)";
            assert!(std::env::var_os("QUELLE_REQUIRE_TOOLS").is_none(), "{why}");
            eprintln!("skipped: {why}");
            None
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn the_page_searches_filters_reads_cites_and_checks_in_a_real_browser() {
    let Some((chromium, driver)) = browser_tools() else { return };
    let s = sandbox();
    let server = serve(&s);
    let driver_port = free_port();
    let mut chromedriver = Command::new(driver)
        .arg(format!("--port={driver_port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", server.port);
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-page.png");
    let binary = Command::new("which")
        .arg(&chromium)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or(chromium.clone());
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": binary,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1200,900",
                     "--lang=en-US", format!("--user-data-dir={}", profile.path().display())],
        }
    });
    let result = Session::start(driver_port, capabilities).and_then(|c| {
        let outcome = drive_the_page(&c, &url, &shot);
        c.close();
        outcome
    });
    let _ = chromedriver.kill();
    let _ = chromedriver.wait();
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(shot.is_file(), "a screenshot for the record");
}

/// What a student does on the page, step by step; the first step that goes wrong says so.
fn drive_the_page(c: &Session, url: &str, shot: &std::path::Path) -> Result<(), String> {
    let wait = |ms| std::thread::sleep(std::time::Duration::from_millis(ms));
    let texts = |css| -> Result<Vec<String>, String> {
        c.find_all(By::Css(css))?.iter().map(|e| c.text(e)).collect()
    };
    c.goto(url)?;
    let q = c.find(By::Css("#q"))?;
    c.send_keys(&q, "moss")?;
    // Results as you type: both languages, highlighted.
    c.wait_for(By::Css("#hits .hit"))?;
    wait(400);
    let langs = texts("#hits .badge.lang")?;
    if !(langs.contains(&"en".to_string()) && langs.contains(&"ru".to_string())) {
        return Err(format!("hits in both languages: {langs:?}"));
    }
    let first_mark = texts("#hits mark")?.into_iter().next().ok_or("highlighted words")?;
    if !["moss", "мох", "Moss"].iter().any(|m| first_mark.contains(m)) {
        return Err(format!("highlight: {first_mark}"));
    }
    let results_shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-results.png");
    std::fs::write(results_shot, c.screenshot()?).map_err(|e| e.to_string())?;
    // The corpus's HTML ran nothing and made no element.
    let xss = c.execute(
        "return [window.__xss === undefined, \
         document.querySelectorAll('#hits img, #hits script, #hits b').length];",
    )?;
    if xss != serde_json::json!([true, 0]) {
        return Err(format!("the corpus's markup acted: {xss}"));
    }
    // Filter by language: only Russian hits.
    let ru = "//nav[@id='filters']//button[starts-with(normalize-space(.), 'ru')]";
    c.click(&c.find(By::XPath(ru))?)?;
    wait(600);
    let langs = texts("#hits .badge.lang")?;
    if langs.is_empty() || langs.iter().any(|l| l != "ru") {
        return Err(format!("filtered to Russian: {langs:?}"));
    }
    // Keyboard: / focuses the search box; arrows reach a hit; Enter reads it.
    c.send_keys(&c.find(By::Css("body"))?, "/")?;
    let active = c.execute("return document.activeElement.id")?;
    if active != "q" {
        return Err(format!("/ focuses the search box, not {active}"));
    }
    c.send_keys(&q, "\u{E015}")?; // Arrow down
    c.send_keys(&c.active_element()?, "\u{E007}")?; // Enter
    c.wait_for(By::Css("#reader:not([hidden]) .focus"))?;
    let context = c.find_all(By::Css("#reader-body p"))?.len();
    if context < 2 {
        return Err(format!("the reading view shows the context: {context} passages"));
    }
    // Cite: a reference in the chosen style, copied.
    c.click(&c.find(By::Css("#hits .cite-button"))?)?;
    let mut cited = String::new();
    for _ in 0..30 {
        let value = c.execute("return document.getElementById('cite-text').value")?;
        cited = value.as_str().unwrap_or("").to_string();
        if !cited.is_empty() {
            break;
        }
        wait(100);
    }
    if !cited.starts_with('«') {
        return Err(format!("a Russian quote in its marks: {cited}"));
    }
    c.click(&c.find(By::Css("#cite-copy"))?)?;
    wait(300);
    if c.text(&c.find(By::Css("#cite-status"))?)?.is_empty() {
        return Err("the copy button says what it did".into());
    }
    // Check a quote.
    let text = c.find(By::Css("#check-text"))?;
    c.send_keys(
        &text,
        "«Серый мох растёт на граните медленно» и «серый мох растёт на граните быстро»",
    )?;
    c.click(&c.find(By::Css("#check-run"))?)?;
    c.wait_for(By::Css("#check-results .verdict-close"))?;
    c.find(By::Css("#check-results .verdict-exact"))?;
    std::fs::write(shot, c.screenshot()?).map_err(|e| e.to_string())?;
    // A narrow screen still shows the search box and the hits.
    c.set_window_size(390, 800)?;
    let fits = c.execute(
        "const r = document.getElementById('q').getBoundingClientRect(); \
         return r.width > 100 && r.right <= window.innerWidth + 1;",
    )?;
    if fits != serde_json::json!(true) {
        return Err("the search box fits a narrow screen".into());
    }
    Ok(())
}
