//! Reliability: bad files, bad queries, an indexer killed at any moment, concurrent use and
//! indexes written by other versions. Each promise of RELIABILITY.md has a test here.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{texts, Sandbox};

fn quelle_cmd(s: &Sandbox) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quelle"));
    cmd.arg("--corpus").arg(s.corpus()).arg("--index").arg(s.index());
    cmd
}

/// A corpus big enough that indexing takes a while: `files` files of mixed prose.
fn fill(s: &Sandbox, prefix: &str, files: usize) {
    let ru = "Советско-германские отношения в двадцатые годы развивались через торговлю, концессии и тайное военное сотрудничество. ";
    let en = "The secret military cooperation between the two states grew through trade, concessions and training schools. ";
    for i in 0..files {
        let mut text = String::new();
        for p in 0..60 {
            text.push_str(&format!("{prefix} paragraph {p} of file {i}. "));
            text.push_str(&if i % 2 == 0 { ru } else { en }.repeat(3));
            text.push('\n');
        }
        s.write(&format!("{prefix}/f{i:04}.txt"), text);
    }
}

#[test]
fn bad_files_are_named_skipped_and_the_rest_is_indexed() {
    let s = Sandbox::new();
    s.write("good.txt", "Walther Rathenau signed the treaty.\n");
    s.write("empty.txt", "");
    s.write("blank.txt", " \n\t\n   \n");
    s.write(
        "image.txt",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xffa",
    );
    // A valid UTF-8 file with a few bad bytes in the middle.
    let mut damaged = "Густав Штреземан выступил в Женеве. ".repeat(50).into_bytes();
    damaged.extend_from_slice(b"\xff\xfe\xfd");
    damaged.extend_from_slice(" Chicherin answered from Moscow.\n".as_bytes());
    s.write("damaged.txt", damaged);
    // A symlink loop and a link to nothing.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(s.corpus().join("loop-b.txt"), s.corpus().join("loop-a.txt"))
            .unwrap();
        std::os::unix::fs::symlink(s.corpus().join("loop-a.txt"), s.corpus().join("loop-b.txt"))
            .unwrap();
        std::os::unix::fs::symlink(s.corpus(), s.corpus().join("dir-loop")).unwrap();
    }
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "exit 3: indexed, some files skipped\n{stderr}");
    let warnings: Vec<&str> =
        stderr.lines().filter(|l| l.starts_with("warning: skipped")).collect();
    for (name, reason) in
        [("empty.txt", "empty"), ("blank.txt", "no text"), ("image.txt", "not text")]
    {
        assert!(
            warnings.iter().any(|w| w.contains(name) && w.contains(reason)),
            "{name}: {stderr}"
        );
    }
    #[cfg(unix)]
    assert!(warnings.iter().any(|w| w.contains("loop-a.txt")), "{stderr}");
    // Unchanged, the skipped files are named again by the next run, which exits 3 too.
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    let again = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{again}");
    for name in ["empty.txt", "blank.txt", "image.txt"] {
        assert!(
            again.lines().any(|l| l.starts_with("warning: skipped") && l.contains(name)),
            "{again}"
        );
    }
    assert_eq!(texts(&s.search_json("Rathenau", &[])).len(), 1);
    // The damaged file is indexed around its bad bytes.
    assert_eq!(texts(&s.search_json("Chicherin", &[])).len(), 1);
    assert!(!texts(&s.search_json("Штреземан", &["--no-expand"])).is_empty());
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_by_name() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new();
    s.write("good.txt", "Walther Rathenau signed the treaty.\n");
    let secret = s.write("secret.txt", "Nobody may read this.\n");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&secret).is_ok() {
        return; // running as root: permissions do not bind, nothing to test
    }
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr.lines().any(|l| l.contains("secret.txt") && l.contains("ermission")),
        "{stderr}"
    );
    // Still unreadable: named again, and still exit 3.
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.lines().any(|l| l.contains("secret.txt")), "{stderr}");
    // Readable again, its size and time unchanged: indexed by the next run.
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(texts(&s.search_json("Nobody", &[])).len(), 1);
}

#[cfg(unix)]
#[test]
fn names_that_differ_only_in_bytes_that_are_not_utf8_stay_two_files() {
    use std::os::unix::ffi::OsStrExt;
    let s = Sandbox::new();
    let a = s.corpus().join(std::ffi::OsStr::from_bytes(b"notes-\xff.txt"));
    let b = s.corpus().join(std::ffi::OsStr::from_bytes(b"notes-\xfe.txt"));
    let c = s.corpus().join(std::ffi::OsStr::from_bytes(b"notes-\\xFF.txt"));
    if std::fs::write(&a, "Quokkas live on Rottnest Island.\n").is_err() {
        return; // a file system that takes only UTF-8 names
    }
    std::fs::write(&b, "Quokkas eat leaves and grasses.\n").unwrap();
    std::fs::write(&c, "Quokkas have few predators there.\n").unwrap();
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = s.search_json("quokkas", &[]);
    let mut docs: Vec<String> =
        v["hits"].as_array().unwrap().iter().map(|h| h["doc"].as_str().unwrap().into()).collect();
    docs.sort();
    assert_eq!(docs, ["notes-\\\\xFF.txt", "notes-\\xFE.txt", "notes-\\xFF.txt"]);
    // And nothing is indexed again by the next run.
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("(up to date)"));
}

#[test]
fn a_huge_file_with_no_newline_is_indexed_in_bounded_passages() {
    let s = Sandbox::new();
    let mut text = "Rapallo ".to_string();
    text.push_str(&"договор соглашение treaty ".repeat(1_600_000));
    s.write("huge.txt", &text);
    assert!(text.len() > 50_000_000);
    let v = s.search_json("Rapallo", &[]);
    let hit = &v["hits"][0];
    assert_eq!(hit["line_start"], 1);
    assert!(hit["text"].as_str().unwrap().chars().count() <= 2800);
    assert!(v["total_hits"].as_u64().unwrap() == 1);
}

#[test]
fn files_vanishing_during_indexing_leave_a_consistent_index() {
    let s = Sandbox::new();
    fill(&s, "keep", 20);
    fill(&s, "gone", 150);
    let child =
        quelle_cmd(&s).arg("index").stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(30));
    std::fs::remove_dir_all(s.corpus().join("gone")).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 3)), "{}", String::from_utf8_lossy(&out.stderr));
    // The next search refreshes: whatever vanished is gone from the index too.
    let v = s.search_json("gone", &["--limit", "1"]);
    assert_eq!(v["total_hits"], 0);
    assert!(s.search_json("keep paragraph", &["--limit", "1"])["total_hits"].as_u64().unwrap() > 0);
}

#[test]
fn bad_queries_get_an_error_with_a_column_or_a_sensible_answer() {
    let s = Sandbox::new();
    s.write("a.txt", "The Treaty of Rapallo was signed in 1922.\n");
    let long_query = "treaty ".repeat(10_000);
    let long_word = "x".repeat(100_000);
    let errors = [
        "\"Rapallo",
        "(treaty OR pact",
        "treaty)",
        "-",
        "OR OR",
        "treaty OR",
        "lang:xx",
        "=",
        &long_query,
        "",
        "   ",
    ];
    for q in errors {
        let out = quelle_cmd(&s).args(["search", "--", q]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{q:.40}: {stderr}");
        assert!(stderr.starts_with("error: query, column "), "{q:.40}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{q:.40}: {stderr}");
    }
    let answers = ["\u{1}treaty\u{7}", "?!… —", "Λόγος", "条約", &long_word, "Rapallo\u{1b}[31m"];
    for q in answers {
        let out = quelle_cmd(&s).args(["search", "--json", "--", q]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{q:.40}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["hits"].is_array());
    }
    assert_eq!(texts(&s.search_json("\u{1}treaty\u{7}", &[])).len(), 1);
}

/// Starts `quelle index` and kills it (SIGKILL on Unix) after `delay_ms`.
fn kill_indexer_after(s: &Sandbox, delay_ms: u64) {
    let mut child =
        quelle_cmd(s).arg("index").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(delay_ms));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn killing_the_indexer_at_any_moment_leaves_a_searchable_index() {
    let s = Sandbox::new();
    fill(&s, "first", 40);
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let before = s.search_json("first paragraph", &["--no-refresh"])["total_hits"].clone();
    fill(&s, "second", 200);
    for delay_ms in [5, 40, 150, 400, 900] {
        kill_indexer_after(&s, delay_ms);
        // The last commit is intact and searchable as it is: the one before the run, or,
        // when the run committed before the kill, the complete one.
        let v = s.search_json("first paragraph", &["--no-refresh"]);
        if v["total_hits"] != before {
            let out = quelle_cmd(&s).arg("index").output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("(up to date)"), "after a kill at {delay_ms} ms: {stderr}");
            break;
        }
    }
    // The next run finishes the work without being asked twice.
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = s.search_json("second paragraph", &["--no-refresh", "--limit", "1"]);
    assert!(v["total_hits"].as_u64().unwrap() >= 200 * 60);
    let v = s.search_json("first paragraph", &["--no-refresh", "--limit", "1"]);
    assert_eq!(v["total_hits"], before, "nothing indexed twice");
}

#[test]
fn killing_a_first_build_during_indexing_or_its_closing_merge_loses_nothing() {
    // A reference: the same corpus built in one go.
    let reference = Sandbox::new();
    fill(&reference, "first", 120);
    assert_eq!(quelle_cmd(&reference).arg("index").output().unwrap().status.code(), Some(0));
    let expected =
        reference.search_json("first paragraph", &["--no-refresh"])["total_hits"].clone();
    let s = Sandbox::new();
    fill(&s, "first", 120);
    for delay_ms in [30, 200, 600, 1200] {
        // Each run starts from what the last one committed; it may be nothing yet.
        kill_indexer_after(&s, delay_ms);
    }
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = s.search_json("first paragraph", &["--no-refresh"]);
    assert_eq!(v["total_hits"], expected, "nothing lost, nothing twice");
}

#[test]
fn a_lost_or_damaged_manifest_means_a_clean_rebuild_never_passages_twice() {
    let s = Sandbox::new();
    fill(&s, "first", 6);
    assert_eq!(quelle_cmd(&s).arg("index").output().unwrap().status.code(), Some(0));
    let before = s.search_json("first paragraph", &["--no-refresh"])["total_hits"].clone();
    let manifests = || -> Vec<std::path::PathBuf> {
        let dirs = std::fs::read_dir(s.index()).unwrap().flatten().map(|e| e.path());
        let files = dirs.filter(|d| d.is_dir()).flat_map(|d| std::fs::read_dir(d).unwrap());
        files
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("manifest-"))
            .collect()
    };
    for damage in ["truncate", "remove"] {
        let found = manifests();
        assert!(!found.is_empty());
        for m in found {
            match damage {
                "truncate" => std::fs::write(&m, b"QMF1").unwrap(),
                _ => std::fs::remove_file(&m).unwrap(),
            }
        }
        let v = s.search_json("first paragraph", &[]);
        assert_eq!(v["total_hits"], before, "after a {damage}d manifest");
    }
}

#[test]
fn while_another_process_writes_searches_answer_and_indexers_say_busy() {
    let s = Sandbox::new();
    s.write("a.txt", "The Treaty of Rapallo was signed in 1922.\n");
    assert_eq!(quelle_cmd(&s).arg("index").output().unwrap().status.code(), Some(0));
    // Another writer holds the index.
    let held = quelle::QIndex::open(&s.index()).unwrap().unwrap();
    let _writer: tantivy::IndexWriter = held.index.writer(50_000_000).unwrap();
    s.write("b.txt", "Gustav Stresemann signed the Treaty of Berlin in 1926.\n");
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.starts_with("error: index ") && stderr.contains("is busy"), "{stderr}");
    let out = quelle_cmd(&s).args(["search", "--json", "Treaty"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("being updated by another process"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hits"].as_array().unwrap().len(), 1, "the last commit answers");
}

#[test]
fn an_index_from_another_version_is_rebuilt_with_a_note() {
    let s = Sandbox::new();
    s.write("a.txt", "The Treaty of Rapallo was signed in 1922.\n");
    assert_eq!(quelle_cmd(&s).arg("index").output().unwrap().status.code(), Some(0));
    let current = std::fs::read_dir(s.index())
        .unwrap()
        .flatten()
        .find(|e| e.path().join("meta.json").is_file())
        .unwrap()
        .path();
    let old = s.index().join("v0.0.0");
    std::fs::rename(&current, &old).unwrap();
    let out = quelle_cmd(&s).args(["search", "--json", "Rapallo"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("was written by another version of quelle; rebuilt the index"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    assert!(!old.exists(), "the old index is removed once the new one is committed");
    assert!(current.join("meta.json").is_file());
}

#[test]
fn an_index_folder_holding_the_users_files_is_refused_never_emptied() {
    let s = Sandbox::new();
    s.write("a.txt", "Walther Rathenau signed the treaty.\n");
    // A folder of the user's that looks like an old index version.
    let videos = s.index().join("videos");
    std::fs::create_dir_all(&videos).unwrap();
    std::fs::write(videos.join("meta.json"), "{}").unwrap();
    std::fs::write(videos.join("notes.txt"), "keep").unwrap();
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: index ") && stderr.contains("videos"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(std::fs::read_to_string(videos.join("notes.txt")).unwrap(), "keep");
    // Not even --rebuild removes what quelle did not make.
    let out = quelle_cmd(&s).args(["index", "--rebuild"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(videos.join("notes.txt").is_file() && videos.join("meta.json").is_file());
}

#[test]
fn an_index_of_another_corpus_is_refused_until_rebuilt() {
    let s = Sandbox::new();
    s.write("a.txt", "Walther Rathenau signed the treaty.\n");
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("b.txt"), "Chicherin answered from Moscow.\n").unwrap();
    assert_eq!(texts(&s.search_json("Rathenau", &[])).len(), 1);
    let with_other = |args: &[&str]| common::quelle(other.path(), &s.index(), args);
    for args in [&["search", "Chicherin"][..], &["search", "--no-refresh", "Chicherin"], &["index"]]
    {
        let out = with_other(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("--rebuild"), "{stderr}");
    }
    // The first corpus's index is intact.
    assert_eq!(texts(&s.search_json("Rathenau", &["--no-refresh"])).len(), 1);
    // Rebuilt on request, it is the other corpus's.
    let out = with_other(&["index", "--rebuild"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = with_other(&["search", "--json", "Chicherin"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(texts(&v).len(), 1);
}

#[test]
fn an_index_made_before_the_marker_is_adopted_and_old_versions_still_go() {
    let s = Sandbox::new();
    s.write("a.txt", "Walther Rathenau signed the treaty.\n");
    assert_eq!(texts(&s.search_json("Rathenau", &[])).len(), 1);
    // As an older quelle left it: no marker, and an older version beside this one.
    std::fs::remove_file(s.index().join("quelle-index.toml")).unwrap();
    std::fs::remove_file(s.index().join("quelle-corpus.txt")).unwrap();
    let old = s.index().join("v1.0.0");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("meta.json"), "{}").unwrap();
    s.write("b.txt", "Chicherin answered from Moscow.\n");
    assert_eq!(texts(&s.search_json("Chicherin", &[])).len(), 1);
    assert!(s.index().join("quelle-index.toml").is_file());
    assert!(!old.exists(), "an old version of quelle's own is removed after the commit");
}

#[test]
fn a_huge_context_shows_the_whole_document_not_a_wrapped_slice() {
    let s = Sandbox::new();
    s.write(
        "a.txt",
        "First line about bees.\n\nSecond line about hives.\n\nThird line about honey.\n",
    );
    let v = s.search_json("hives", &[]);
    let id = v["hits"][0]["id"].as_str().unwrap().to_string();
    let out = quelle_cmd(&s)
        .args(["show", &id, "--json", "--context", &u64::MAX.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // One JSON object per passage shown.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let shown: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(shown.len(), 3, "{stdout}");
    assert!(shown[0].starts_with("First") && shown[2].starts_with("Third"), "{shown:?}");
}

#[test]
fn a_marked_index_folder_may_hold_the_projects_notes() {
    let s = Sandbox::new();
    s.write("a.txt", "Walther Rathenau signed the treaty.\n");
    // As a project ships it: the marker and a README, no index yet.
    std::fs::create_dir_all(s.index()).unwrap();
    std::fs::write(s.index().join("README.md"), "notes").unwrap();
    let shipped = "# a project's copy\nformat = 1\n";
    std::fs::write(s.index().join("quelle-index.toml"), shipped).unwrap();
    assert_eq!(texts(&s.search_json("Rathenau", &[])).len(), 1);
    assert_eq!(std::fs::read_to_string(s.index().join("README.md")).unwrap(), "notes");
    assert_eq!(std::fs::read_to_string(s.index().join("quelle-index.toml")).unwrap(), shipped);
    let out = quelle_cmd(&s).args(["index", "--rebuild"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(s.index().join("README.md").is_file());
}

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_escaped_in_every_message() {
    let s = Sandbox::new();
    if std::fs::write(s.corpus().join("red\u{1b}[31mnotes\n.txt"), "Axolotls regrow limbs.\n")
        .is_err()
    {
        return; // a file system that refuses such names
    }
    std::fs::write(s.corpus().join("empty\u{1b}]0;title\u{7}.txt"), "").unwrap();
    let index = quelle_cmd(&s).arg("index").output().unwrap();
    let search = quelle_cmd(&s).args(["search", "--", "axolotls"]).output().unwrap();
    for out in [&index, &search] {
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
        }
    }
    assert!(String::from_utf8_lossy(&index.stderr).contains("empty\\u{1B}]0;title\\u{7}.txt"));
    let shown = String::from_utf8_lossy(&search.stdout);
    assert!(shown.contains("red\\u{1B}[31mnotes\\u{A}.txt"), "{shown}");
}

#[cfg(unix)]
#[test]
fn a_problem_found_while_listing_files_counts_in_the_exit_code_every_time() {
    let s = Sandbox::new();
    s.write("good.txt", "Walther Rathenau signed the treaty.\n");
    std::os::unix::fs::symlink(s.corpus().join("gone.txt"), s.corpus().join("link.txt")).unwrap();
    for _ in 0..2 {
        let out = quelle_cmd(&s).arg("index").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(
            stderr.lines().any(|l| l.starts_with("warning: skipped")
                && l.contains("link.txt: a link to a file that does not exist (")
                && l.contains("gone.txt)")),
            "{stderr}"
        );
    }
    // Many such links (a saved package's links to another's files) make one line.
    for name in ["a", "b", "c", "d"] {
        let link = s.corpus().join(format!("static/{name}.css"));
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(s.corpus().join("elsewhere.css"), link).unwrap();
    }
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].ends_with("and 4 more: links to files that do not exist"), "{stderr}");
}

#[test]
fn a_file_mixing_two_encodings_is_read_line_by_line_and_named() {
    let s = Sandbox::new();
    let utf8 = "Кочевник пересёк солончак на рассвете.\n".as_bytes().to_vec();
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Пастух отогнал отару к колодцу.\n");
    s.write("mixed.txt", [utf8.repeat(6), cp1251.repeat(2), utf8.clone()].concat());
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("mixed.txt: mixes encodings; lines 7–8 read as windows-1251"),
        "{stderr}"
    );
    // Both halves are searchable, quoted as written.
    let hits = s.search_json("отару", &["--no-refresh"]);
    assert_eq!(texts(&hits), ["Пастух отогнал отару к колодцу."]);
    let hit = &hits["hits"][0];
    assert_eq!(hit["line_start"], 7);
    let raw = std::fs::read(s.corpus().join("mixed.txt")).unwrap();
    let (a, b) = (hit["byte_start"].as_u64().unwrap(), hit["byte_end"].as_u64().unwrap());
    let span = encoding_rs::WINDOWS_1251.decode(&raw[a as usize..b as usize]).0;
    assert_eq!(span, "Пастух отогнал отару к колодцу.");
    assert_eq!(texts(&s.search_json("солончак", &["--no-refresh"])).len(), 1);
}

#[test]
fn files_over_the_size_limit_are_named_and_the_limit_is_a_setting() {
    let s = Sandbox::new();
    s.write("small.txt", "A heron waded through the reeds.\n");
    s.write("large.txt", "The reeds bent under the wind. ".repeat(40_000));
    let out = quelle_cmd(&s).arg("index").env("QUELLE_MAX_FILE_MB", "1").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("large.txt: larger than 1 MB") && l.contains("QUELLE_MAX_FILE_MB")),
        "{stderr}"
    );
    assert_eq!(texts(&s.search_json("heron", &["--no-refresh"])).len(), 1);
    // A value that is no size is an error of usage, not a silent default.
    let out = quelle_cmd(&s).arg("index").env("QUELLE_MAX_FILE_MB", "lots").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("QUELLE_MAX_FILE_MB=\"lots\""));
    // With room enough, the file is read.
    let out = quelle_cmd(&s).arg("index").env("QUELLE_MAX_FILE_MB", "2").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[cfg(unix)]
#[test]
fn links_leading_outside_the_corpus_are_followed_only_when_asked() {
    let s = Sandbox::new();
    s.write("notes.txt", "The otter slid down the muddy bank.\n");
    let secret = s.corpus().parent().unwrap().join("secret.txt");
    std::fs::write(&secret, "The badger keeps its sett under the old oak.\n").unwrap();
    let outside = s.corpus().parent().unwrap().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("far.txt"), "The badger sleeps by day.\n").unwrap();
    std::os::unix::fs::symlink(&secret, s.corpus().join("link.txt")).unwrap();
    std::os::unix::fs::symlink(&outside, s.corpus().join("linked-folder")).unwrap();
    // A link inside the corpus is followed; a folder linking back to the corpus ends.
    std::os::unix::fs::symlink(s.corpus().join("notes.txt"), s.corpus().join("same.txt")).unwrap();
    std::os::unix::fs::symlink(s.corpus(), s.corpus().join("loop")).unwrap();
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("not following") && stderr.contains("link.txt"), "{stderr}");
    assert!(stderr.contains("linked-folder"), "{stderr}");
    assert!(texts(&s.search_json("badger", &["--no-refresh"])).is_empty());
    assert_eq!(s.search_json("otter", &["--no-refresh"])["total_hits"], 2);
    let out = quelle_cmd(&s).args(["--follow", "index"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let hits = s.search_json("badger", &["--no-refresh"]);
    let mut docs: Vec<&str> =
        hits["hits"].as_array().unwrap().iter().map(|h| h["doc"].as_str().unwrap()).collect();
    docs.sort();
    assert_eq!(docs, ["link.txt", "linked-folder/far.txt"]);
}

#[test]
fn prefix_expansions_count_only_live_passages_after_updates() {
    let s = Sandbox::new();
    // 64 words of the prefix in three passages each fill the expansion; `quorblzz`, in
    // two, is left out. Filler makes the first segment too big for tantivy to merge.
    let mut common: String = (0..64).map(|i| format!("quorbl{i:02}\n\n").repeat(3)).collect();
    common.push_str(&"A grebe dived under the water.\n\n".repeat(12_000));
    s.write("common.txt", common);
    s.write("rare.txt", "quorblzz\n\nquorblzz\n");
    let total = |s: &Sandbox| s.search_json("quorbl*", &["--limit", "1"])["total_hits"].clone();
    let clean = total(&s);
    assert_eq!(clean, 192);
    // The change leaves the first passages of `rare.txt` deleted in the first segment.
    s.write("rare.txt", "A coot paddled by.\n");
    assert_eq!(total(&s), 192);
    s.write("rare.txt", "quorblzz\n\nquorblzz\n");
    assert_eq!(total(&s), clean);
}

#[test]
fn searches_started_during_the_first_build_wait_for_it() {
    let s = Sandbox::new();
    fill(&s, "first", 200);
    let children: Vec<_> = (0..4)
        .map(|_| {
            quelle_cmd(&s)
                .args(["search", "--json", "--limit", "1", "--", "paragraph"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut totals = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        totals.push(v["total_hits"].as_u64().unwrap());
    }
    // Every search answers from the finished index, none from an empty one.
    assert!(totals.iter().all(|&t| t == 200 * 60), "{totals:?}");
}

/// A small file system of its own (tmpfs), unmounted when dropped; `None` where this
/// process may not mount one (not root, or a container without the right).
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(dir: &std::path::Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(dir.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_named_and_leaves_nothing_behind() {
    let s = Sandbox::new();
    let Some(disk) = SmallDisk::mount(&s.dir.path().join("disk"), "2m") else {
        eprintln!("skipped: cannot mount a small file system here");
        return;
    };
    let index = disk.0.join("index");
    let run = |args: &[&str]| common::quelle(&s.corpus(), &index, args);
    s.write("first.txt", "The kestrel hovered over the verge.\n");
    assert!(run(&["index"]).status.success());
    let used = || {
        let out = Command::new("df").arg("-k").arg(&disk.0).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        text.lines().nth(1).unwrap().split_whitespace().nth(2).unwrap().parse::<u64>().unwrap()
    };
    let before = used();
    // Far more text than the disk holds, words all different.
    for f in 0..40 {
        let text: String = (0..10_000)
            .map(|i| format!("w{f}x{i}{}", if i % 40 == 39 { "\n" } else { " " }))
            .collect();
        s.write(&format!("more/m{f:02}.txt"), text);
    }
    let out = run(&["index"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no space left on tmpfs"), "{stderr}");
    // What the failed refresh wrote is gone; the last commit still answers.
    let left = used();
    assert!(left <= before + 8, "{} KB left behind: {:?}", left - before, listing(&index));
    let hits = run(&["search", "--no-refresh", "--json", "kestrel"]);
    assert!(String::from_utf8_lossy(&hits.stdout).contains("kestrel"));
    // Once the large files go, a small change is indexed as usual.
    std::fs::remove_dir_all(s.corpus().join("more")).unwrap();
    s.write("second.txt", "A wren sang in the hedge.\n");
    let out = run(&["index"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn many_wildcards_and_long_quotes_cost_bounded_work() {
    let s = Sandbox::new();
    let words: Vec<String> = (0..30_000).map(|i| format!("zy{i:05}")).collect();
    s.write("words.txt", words.chunks(20).map(|c| c.join(" ")).collect::<Vec<_>>().join("\n"));
    // The same prefix 250 times is looked up once and answers as once.
    let one = s.search_json("zy*", &["--limit", "3"]);
    let many = s.search_json(&vec!["zy*"; 250].join(" OR "), &["--limit", "3"]);
    assert_eq!(one["total_hits"], many["total_hits"]);
    assert_eq!(texts(&one), texts(&many));
    // A quote is found by its rarest words, also when most of its words are common.
    let prose = "The ferryman counted the coins twice before he untied the rope, and the \
                 river was high, and the boat was old, and he was not in a hurry at all.";
    s.write("river.txt", format!("{prose}\n"));
    let quote = prose;
    let out = s.run(&["quote-check", "--json", quote.trim_end()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "exact", "{v}");
}

/// Every file under `dir` with its size, for a failure message.
fn listing(dir: &std::path::Path) -> Vec<(String, u64)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                stack.push(e.path());
            } else {
                files.push((e.path().strip_prefix(dir).unwrap().display().to_string(), meta.len()));
            }
        }
    }
    files.sort();
    files
}

/// The one version folder of an index.
fn version_folder(s: &Sandbox) -> std::path::PathBuf {
    std::fs::read_dir(s.index()).unwrap().flatten().map(|e| e.path()).find(|p| p.is_dir()).unwrap()
}

fn files_ending(dir: &std::path::Path, ext: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

#[test]
fn a_damaged_index_gives_one_clear_error_and_is_rebuilt_never_a_wrong_quote() {
    let s = Sandbox::new();
    fill(&s, "damage", 6);
    let out = quelle_cmd(&s).arg("index").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let good = s.search_json("paragraph", &["--no-refresh", "--limit", "50"]);
    let backup = s.dir.path().join("backup");
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        let _ = std::fs::remove_dir_all(to);
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    };
    let dir = version_folder(&s);
    copy(&dir, &backup);
    type Damage = Box<dyn Fn(&std::path::Path)>;
    let flip = |ext: &'static str, at: f64| -> Damage {
        Box::new(move |dir| {
            for path in files_ending(dir, ext) {
                let mut bytes = std::fs::read(&path).unwrap();
                let i = ((bytes.len() as f64 * at) as usize).min(bytes.len() - 1);
                bytes[i] ^= 0x08;
                std::fs::write(&path, bytes).unwrap();
            }
        })
    };
    let damages: Vec<(&str, Damage)> = vec![
        (
            "positions deleted",
            Box::new(|d| {
                files_ending(d, "pos").iter().for_each(|p| std::fs::remove_file(p).unwrap())
            }),
        ),
        ("meta.json emptied", Box::new(|d| std::fs::write(d.join("meta.json"), "").unwrap())),
        (
            "terms deleted",
            Box::new(|d| {
                files_ending(d, "term").iter().for_each(|p| std::fs::remove_file(p).unwrap())
            }),
        ),
        ("stored text flipped", flip("store", 0.5)),
        ("stored text flipped early", flip("store", 0.1)),
        ("terms flipped", flip("term", 0.5)),
        ("fast fields flipped", flip("fast", 0.5)),
    ];
    for (what, damage) in damages {
        copy(&backup, &dir);
        damage(&dir);
        let out = quelle_cmd(&s)
            .args(["search", "--no-refresh", "--json", "--limit", "50", "--", "paragraph"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            // What is shown is what was indexed, or nothing.
            Some(0) => {
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                for hit in v["hits"].as_array().unwrap() {
                    let same =
                        good["hits"].as_array().unwrap().iter().find(|h| h["id"] == hit["id"]);
                    assert!(
                        same.is_none_or(|h| h["text"] == hit["text"]),
                        "{what}: a quote changed"
                    );
                }
            }
            Some(1) => {
                assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
                assert!(
                    stderr.contains("is damaged") && stderr.contains("quelle index"),
                    "{what}: {stderr}"
                );
            }
            code => panic!("{what}: exit {code:?}: {stderr}"),
        }
        // `quelle index` finds the damage and rebuilds from the corpus.
        let out = quelle_cmd(&s).arg("index").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
        assert!(stderr.contains("the index was damaged"), "{what}: {stderr}");
        let again = s.search_json("paragraph", &["--no-refresh", "--limit", "50"]);
        assert_eq!(again["total_hits"], good["total_hits"], "{what}");
    }
}

/// Passages of equal score past the end of a page: which are shown must not depend on
/// how the index's segments fell. One index is built from all the files at once, the
/// other from the later half first and then the earlier half (a second segment); far
/// more passages tie than a page and its margin of ties hold.
#[test]
fn equal_scores_past_the_page_show_the_same_passages_whatever_the_segments() {
    // One sentence per file, of one length, with the query word once: every passage scores
    // the same. The other words differ, so that no passage repeats another.
    let text = |i: usize| format!("The peregrine wheeled above tarn{i:03}.\n");
    let (all, halves) = (Sandbox::new(), Sandbox::new());
    for i in 0..120 {
        all.write(&format!("f{i:03}.txt"), text(i));
    }
    for i in 60..120 {
        halves.write(&format!("f{i:03}.txt"), text(i));
    }
    assert!(halves.run(&["index"]).status.success());
    for i in 0..60 {
        halves.write(&format!("f{i:03}.txt"), text(i));
    }
    let shown = |s: &Sandbox| -> Vec<String> {
        let v = s.search_json("peregrine", &["--limit", "10"]);
        assert_eq!(v["total_hits"], 120, "{v}");
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(shown(&all), shown(&halves));
}
