//! A W3C WebDriver client for the browser test, over `std::net` and `serde_json`: the few
//! commands the test sends to chromedriver, each one blocking HTTP/1.1 request. Written
//! here rather than taken from a crate because the WebDriver crates bring an HTTP client
//! whose features differ from the server's, and Cargo then builds every dependency twice
//! (once for `cargo run`, once for `cargo test`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// One HTTP request with a JSON body: the status and the body's bytes.
pub fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("sends");
    // A server may keep the connection open whatever the request says, so the body is
    // read by its length or its chunks; a minute without an answer fails the test.
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("sets a timeout");
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let complete = |raw: &[u8]| -> Option<usize> {
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let body = &raw[split + 4..];
        if head.contains("transfer-encoding: chunked") {
            body.ends_with(b"0\r\n\r\n").then_some(split)
        } else {
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|n| n.trim().parse::<usize>().ok())?;
            (body.len() >= length).then_some(split)
        }
    };
    let split = loop {
        if let Some(split) = complete(&raw) {
            break split;
        }
        match stream.read(&mut buf) {
            Ok(0) => break raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(raw.len()),
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) => panic!("{method} {path}: {e}"),
        }
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let rest = raw.get(split + 4..).unwrap_or_default();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body =
        if head.contains("transfer-encoding: chunked") { dechunk(rest) } else { rest.to_vec() };
    (status, body)
}

/// The body of a chunked response.
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&rest[..end]);
        let n = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16).unwrap_or(0);
        let data = &rest[end + 2..];
        if n == 0 || data.len() < n {
            break;
        }
        out.extend_from_slice(&data[..n]);
        rest = data.get(n + 2..).unwrap_or_default();
    }
    out
}

/// How an element is found.
#[derive(Clone, Copy)]
pub enum By<'a> {
    Css(&'a str),
    XPath(&'a str),
}

/// A browser session.
pub struct Session {
    port: u16,
    id: String,
}

/// An element of the page, by its WebDriver reference.
pub struct Element(String);

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Session {
    /// Starts a session with `capabilities`, once the driver has started up.
    pub fn start(port: u16, capabilities: Value) -> Result<Session, String> {
        let body = json!({ "capabilities": { "alwaysMatch": capabilities } }).to_string();
        // The driver listens once it has started; then one request makes the session.
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(10) {
                return Err("chromedriver does not answer".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let (status, bytes) = http(port, "POST", "/session", Some(&body));
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{status}: {e}: {}", String::from_utf8_lossy(&bytes)))?;
        match v["value"]["sessionId"].as_str() {
            Some(id) if status == 200 => Ok(Session { port, id: id.to_string() }),
            _ => Err(format!("no session ({status}): {v}")),
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let path = format!("/session/{}{path}", self.id);
        let body = body.map(|b| b.to_string());
        let (status, bytes) = http(self.port, method, &path, body.as_deref());
        let mut v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{method} {path}: {e}: {}", String::from_utf8_lossy(&bytes)))?;
        if status != 200 {
            return Err(format!(
                "{method} {path}: {} {}",
                v["value"]["error"], v["value"]["message"]
            ));
        }
        Ok(v["value"].take())
    }

    pub fn goto(&self, url: &str) -> Result<(), String> {
        self.call("POST", "/url", Some(json!({ "url": url }))).map(drop)
    }

    fn locator(by: &By) -> Value {
        match by {
            By::Css(s) => json!({ "using": "css selector", "value": s }),
            By::XPath(s) => json!({ "using": "xpath", "value": s }),
        }
    }

    pub fn find(&self, by: By) -> Result<Element, String> {
        let v = self.call("POST", "/element", Some(Self::locator(&by)))?;
        element(&v)
    }

    pub fn find_all(&self, by: By) -> Result<Vec<Element>, String> {
        let v = self.call("POST", "/elements", Some(Self::locator(&by)))?;
        v.as_array().ok_or("not a list")?.iter().map(element).collect()
    }

    /// Waits up to 10 s for an element to be there.
    pub fn wait_for(&self, by: By) -> Result<Element, String> {
        let started = Instant::now();
        loop {
            match self.find(by) {
                Ok(e) => return Ok(e),
                Err(e) if started.elapsed() > Duration::from_secs(10) => return Err(e),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    pub fn text(&self, e: &Element) -> Result<String, String> {
        let v = self.call("GET", &format!("/element/{}/text", e.0), None)?;
        Ok(v.as_str().unwrap_or("").to_string())
    }

    pub fn send_keys(&self, e: &Element, keys: &str) -> Result<(), String> {
        let body = json!({ "text": keys });
        self.call("POST", &format!("/element/{}/value", e.0), Some(body)).map(drop)
    }

    pub fn click(&self, e: &Element) -> Result<(), String> {
        self.call("POST", &format!("/element/{}/click", e.0), Some(json!({}))).map(drop)
    }

    pub fn active_element(&self) -> Result<Element, String> {
        element(&self.call("GET", "/element/active", None)?)
    }

    pub fn execute(&self, script: &str) -> Result<Value, String> {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": [] })))
    }

    pub fn set_window_size(&self, width: u32, height: u32) -> Result<(), String> {
        let body = json!({ "width": width, "height": height });
        self.call("POST", "/window/rect", Some(body)).map(drop)
    }

    /// The page as PNG bytes.
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        let v = self.call("GET", "/screenshot", None)?;
        base64(v.as_str().ok_or("no screenshot")?)
    }

    /// Ends the session (the browser closes).
    pub fn close(self) {
        let _ = self.call("DELETE", "", None);
    }
}

fn element(v: &Value) -> Result<Element, String> {
    v[ELEMENT].as_str().map(|id| Element(id.to_string())).ok_or(format!("not an element: {v}"))
}

/// Standard base64, as WebDriver sends screenshots.
fn base64(text: &str) -> Result<Vec<u8>, String> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut bits, mut n) = (0u32, 0);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        bits = bits << 6 | u32::from(value(c).ok_or("not base64")?);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    Ok(out)
}
