//! Tests of [`super::write_file`]: regular files replaced whole, links followed, devices and
//! FIFOs written through, temporaries never left behind.

use super::*;

/// The tests share this process's pending files and [`NAMED_ONLY`]: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn regular_files_are_replaced_whole_keeping_their_permissions() {
    let _serial = serial();
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    write_file(&path, b"old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_file(&path, b"new contents").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new contents");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(entries(dir.path()), ["out.json"], "no temporary left");
}

#[test]
fn failures_name_the_file_and_the_operation_and_leave_nothing() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/out.json");
    let err = write_file(&missing, b"x").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("no/such/dir/out.json") && text.contains("cannot create"),
        "{text}"
    );
    assert!(matches!(err, MleError::Write { .. }));
    // a directory is not replaced
    let err = write_file(dir.path(), b"x").unwrap_err().to_string();
    assert!(err.contains("directory"), "{err}");
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn a_symbolic_link_is_followed_and_stays_a_link() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    std::fs::write(&real, b"stale").unwrap();
    // a chain of two links, one relative
    let first = dir.path().join("first.csv");
    let second = dir.path().join("second.csv");
    std::os::unix::fs::symlink("real.csv", &second).unwrap();
    std::os::unix::fs::symlink(&second, &first).unwrap();
    write_file(&first, b"fresh").unwrap();
    assert_eq!(std::fs::read(&real).unwrap(), b"fresh");
    for link in [&first, &second] {
        assert!(
            std::fs::symlink_metadata(link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    // a dangling link creates the file it names
    let dangling = dir.path().join("dangling.csv");
    std::os::unix::fs::symlink("created.csv", &dangling).unwrap();
    write_file(&dangling, b"new").unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("created.csv")).unwrap(),
        b"new"
    );
    assert_eq!(
        entries(dir.path()),
        [
            "created.csv",
            "dangling.csv",
            "first.csv",
            "real.csv",
            "second.csv"
        ]
    );
}

#[test]
fn a_fifo_is_written_through_not_replaced() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    write_file(&fifo, b"through the pipe").unwrap();
    assert_eq!(reader.join().unwrap(), b"through the pipe");
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &std::fs::symlink_metadata(&fifo).unwrap().file_type()
    ));
}

#[test]
fn temporaries_of_processes_that_no_longer_run_are_removed() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    // a process id that cannot run (above the kernel's pid_max of 2^22), and this process's own
    let stale = dir.path().join(format!(".out.csv{TEMPORARY}99999999.0"));
    let live = dir
        .path()
        .join(format!(".out.csv{TEMPORARY}{}.999", std::process::id()));
    let other = dir.path().join(format!(".other.csv{TEMPORARY}99999999.0"));
    for p in [&stale, &live, &other] {
        std::fs::write(p, b"partial").unwrap();
    }
    write_file(&path, b"done").unwrap();
    assert!(!stale.exists() && live.exists() && other.exists());
}

#[test]
fn pending_temporaries_are_removed_on_request() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let temporary = dir
        .path()
        .join(format!(".x{TEMPORARY}{}.0", std::process::id()));
    std::fs::write(&temporary, b"half").unwrap();
    // what `remove_temporaries` does with the pending files (called here on a list of this
    // test's own, not to remove those of tests writing at the same time)
    remove_all(&[temporary.clone(), dir.path().join("gone already")]);
    assert!(!temporary.exists());
}

/// The path where `O_TMPFILE` is missing: a named temporary file, renamed into place or removed.
#[test]
fn named_temporaries_are_renamed_into_place_or_removed() {
    let _serial = serial();
    NAMED_ONLY.store(true, Ordering::Relaxed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    write_file(&path, b"first").unwrap();
    write_file(&path, b"second").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    // a failure while writing: the old file stays whole, the temporary goes
    let err = write_with(&path, |w| {
        w.write_all(b"half")?;
        Err(io::Error::other("interrupted"))
    })
    .unwrap_err()
    .to_string();
    NAMED_ONLY.store(false, Ordering::Relaxed);
    assert!(
        err.contains("cannot write") && err.contains("interrupted"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    assert_eq!(entries(dir.path()), ["out.csv"]);
    assert!(
        !PENDING
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.starts_with(dir.path()))
    );
}

#[test]
fn a_failed_unnamed_write_leaves_the_old_file_whole() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    write_file(&path, b"old").unwrap();
    let err = write_with(&path, |_| Err(io::Error::other("no more"))).unwrap_err();
    assert!(err.to_string().contains("no more"));
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
    assert_eq!(entries(dir.path()), ["out.csv"]);
}
