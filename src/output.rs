//! Writing files so that no reader ever sees one half-written and no run leaves litter behind.
//!
//! [`write_file`] replaces a regular file (or creates one) atomically: the contents go to a new
//! file in the same directory, are flushed to disk, and the new file is renamed over the old
//! one, keeping its permissions. A crash, a full disk or a kill leaves the old file whole.
//!
//! - A symbolic link is followed (through any chain of links) and the file it names is replaced;
//!   the link itself stays a link.
//! - A device, FIFO or socket (`/dev/null`, `/dev/stdout`, a named pipe) is written directly:
//!   renaming over it would replace it with a regular file.
//! - On Linux the new file is first created without a name (`O_TMPFILE`), so a run killed while
//!   writing it, even by `SIGKILL`, leaves nothing behind; it is given a temporary name (linked)
//!   only once complete, just before the rename. Where the file system cannot do that, a named
//!   temporary file `.NAME.mle-tmp.PID.K` is used instead; [`remove_temporaries`] removes those
//!   of the running process (the `mle` binary calls it when interrupted), and every write
//!   removes those left beside its target by processes that no longer run.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{MleError, Result};

/// Marks the temporary files of this module: `.NAME.mle-tmp.PID.K`.
const TEMPORARY: &str = ".mle-tmp.";

/// Named temporary files of this process not yet renamed into place.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Tests set this to write through named temporary files, as where `O_TMPFILE` is missing.
#[cfg(test)]
static NAMED_ONLY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether to skip unnamed files (only ever in tests).
fn named_only() -> bool {
    #[cfg(test)]
    return NAMED_ONLY.load(Ordering::Relaxed);
    #[cfg(not(test))]
    false
}

/// Distinguishes the temporary files of one process.
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Writes `contents` to `path`: atomically for a regular file or a new one, through a symbolic
/// link to the file it names, and directly into a device or FIFO (see the module
/// documentation).
///
/// # Errors
/// [`MleError::Write`] naming `path` and what failed (create, write, flush to disk, rename),
/// with the system's reason (no space left on device, permission denied, ...). Nothing is
/// left behind on failure, and an existing file is untouched.
///
/// # Examples
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("out.csv");
/// mle::output::write_file(&path, b"a\n1\n").unwrap();
/// mle::output::write_file(&path, b"a\n2\n").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"a\n2\n");
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1); // no temporary file
/// ```
pub fn write_file(path: impl AsRef<Path>, contents: &[u8]) -> Result<()> {
    write_with(path, |w| w.write_all(contents))
}

/// As [`write_file`], with the contents written by `fill` into a buffered writer, so that
/// large outputs are streamed to the file instead of built in memory first.
///
/// # Errors
/// As [`write_file`]; an error of `fill` is reported as a failure to write.
pub fn write_with(
    path: impl AsRef<Path>,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let path = path.as_ref();
    let fail = |operation: &'static str| {
        move |source: io::Error| MleError::Write {
            path: path.to_path_buf(),
            operation,
            source,
        }
    };
    let target = resolve_links(path).map_err(fail("follow the symbolic link"))?;
    let replaced = match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => {
            let e = io::Error::new(io::ErrorKind::IsADirectory, "it is a directory");
            return Err(fail("write")(e));
        }
        Ok(m) if !m.is_file() => return write_through(&target, fill).map_err(fail("write")),
        Ok(m) => replace(&target, fill, Some(m.permissions())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(&target, fill, None),
        Err(e) => return Err(fail("inspect")(e)),
    };
    replaced.map_err(|(operation, e)| fail(operation)(e))
}

/// Removes the named temporary files this process is writing. For a handler of `SIGINT` and
/// `SIGTERM` to call before the process exits; unnamed (`O_TMPFILE`) files need nothing.
pub fn remove_temporaries() {
    remove_all(
        &PENDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
}

/// Removes the files at `paths`, whatever is already gone.
fn remove_all(paths: &[PathBuf]) {
    for path in paths {
        let _ = std::fs::remove_file(path);
    }
}

/// The file that `path` names once every symbolic link on the way is followed (a path that
/// does not exist yet is its own target).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Writes into an existing file that is not a regular one (a device, a FIFO).
fn write_through(
    target: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let f = OpenOptions::new().write(true).truncate(true).open(target)?;
    let mut w = io::BufWriter::new(f);
    fill(&mut w)?;
    w.flush()
}

/// What failed, and why.
type Failure = (&'static str, io::Error);

/// Replaces (or creates) the regular file `target` atomically, with `permissions` if given.
fn replace(
    target: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    permissions: Option<std::fs::Permissions>,
) -> std::result::Result<(), Failure> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| ("write", io::Error::other("the path names no file")))?
        .to_string_lossy()
        .into_owned();
    remove_stale(dir, &name);
    let temporary = dir.join(format!(
        ".{name}{TEMPORARY}{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    #[cfg(target_os = "linux")]
    let unnamed = if named_only() {
        None
    } else {
        unnamed::create(dir).map_err(|e| ("create a file in its directory", e))?
    };
    #[cfg(target_os = "linux")]
    let fill = match unnamed {
        Some(mut file) => {
            write_all(&file, fill, permissions.clone())?;
            if unnamed::link(&file, &temporary).is_ok() {
                pending(&temporary);
                return rename_into_place(&temporary, target, dir);
            }
            // no way to name it here: copy what it holds into a named temporary file
            let copy = move |w: &mut dyn Write| {
                io::Seek::rewind(&mut file)?;
                io::copy(&mut file, w).map(|_| ())
            };
            Box::new(copy) as Box<dyn FnOnce(&mut dyn Write) -> io::Result<()>>
        }
        None => Box::new(fill),
    };
    let file = {
        let mut pending = PENDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(|e| ("create a temporary file in its directory", e))?;
        pending.push(temporary.clone());
        file
    };
    if let Err(failure) = write_all(&file, fill, permissions) {
        forget(&temporary, true);
        return Err(failure);
    }
    rename_into_place(&temporary, target, dir)
}

/// Writes into `file` with `fill`, sets its permissions and flushes it to disk.
fn write_all(
    file: &File,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    permissions: Option<std::fs::Permissions>,
) -> std::result::Result<(), Failure> {
    let mut w = io::BufWriter::new(file);
    fill(&mut w).map_err(|e| ("write", e))?;
    w.flush().map_err(|e| ("write", e))?;
    if let Some(p) = permissions {
        file.set_permissions(p)
            .map_err(|e| ("keep the permissions of the file it replaces", e))?;
    }
    file.sync_all().map_err(|e| ("flush to disk", e))
}

/// Notes `temporary` as a named temporary file of this process.
fn pending(temporary: &Path) {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(temporary.to_path_buf());
}

/// Renames the complete `temporary` over `target` and flushes their directory; removes the
/// temporary file if the rename fails.
fn rename_into_place(
    temporary: &Path,
    target: &Path,
    dir: &Path,
) -> std::result::Result<(), Failure> {
    let renamed = std::fs::rename(temporary, target);
    forget(temporary, renamed.is_err());
    renamed.map_err(|e| ("rename the new file over it", e))?;
    // the rename itself reaches the disk with the directory (best effort: not every file
    // system can flush a directory)
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Drops `temporary` from the pending files, removing it from disk if `remove`.
fn forget(temporary: &Path, remove: bool) {
    let mut pending = PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pending.retain(|p| p != temporary);
    if remove {
        let _ = std::fs::remove_file(temporary);
    }
}

/// Removes the temporary files beside `dir/name` of processes that no longer run.
fn remove_stale(dir: &Path, name: &str) {
    let prefix = format!(".{name}{TEMPORARY}");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest.split('.').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !process_runs(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id runs (on systems where that cannot be asked, it is assumed
/// to, and nothing is removed).
fn process_runs(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return true;
        };
        rustix::process::test_kill_process(pid) != Err(rustix::io::Errno::SRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Files without a name (`O_TMPFILE`), named once complete.
#[cfg(target_os = "linux")]
mod unnamed {
    use std::fs::File;
    use std::io;
    use std::os::fd::AsFd;
    use std::path::Path;

    use rustix::fs::{AtFlags, CWD, Mode, OFlags};
    use rustix::io::Errno;

    /// A new file without a name in `dir`, or `None` where the file system cannot make one.
    pub(super) fn create(dir: &Path) -> io::Result<Option<File>> {
        let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
        match rustix::fs::openat(CWD, dir, flags, Mode::from_raw_mode(0o666)) {
            Ok(fd) => Ok(Some(File::from(fd))),
            Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL) if dir.is_dir() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Gives `file` the name `path`: by its descriptor (`AT_EMPTY_PATH`), else through
    /// `/proc/self/fd`.
    pub(super) fn link(file: &File, path: &Path) -> io::Result<()> {
        let by_fd = rustix::fs::linkat(file.as_fd(), "", CWD, path, AtFlags::EMPTY_PATH);
        if by_fd.is_ok() {
            return Ok(());
        }
        let proc = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(file));
        rustix::fs::linkat(CWD, proc.as_str(), CWD, path, AtFlags::SYMLINK_FOLLOW)?;
        Ok(())
    }
}

#[cfg(test)]
#[path = "output_tests.rs"]
mod tests;
