//! The embedded database: a private PostgreSQL cluster of wirehose's own, created with the
//! installed `initdb` and run with the installed `pg_ctl` (nothing is downloaded).
//!
//! The cluster listens on a Unix socket in its own folder (and on TCP only when asked), with
//! trust authentication on that socket, whose folder only the cluster's owner can enter. Every
//! wirehose process using it holds a shared lock on `<data_dir>.lock`; start-up and stopping take
//! `<data_dir>.start.lock` exclusively, so two processes never start it twice, and the last process out stops it when a
//! wirehose process started it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The oldest PostgreSQL major version the embedded cluster runs on.
pub const MIN_VERSION: u32 = 14;

/// The database wirehose uses inside the embedded cluster.
pub const DATABASE: &str = "wirehose";

/// Where installed PostgreSQL versions keep their server binaries (Debian and Ubuntu).
const LIB_ROOT: &str = "/usr/lib/postgresql";

/// A marker, inside the data folder, that a wirehose process started the running server.
const STARTED_MARKER: &str = "wirehose.started";

/// Errors of the embedded database, each saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// No usable `initdb` and `pg_ctl` were found.
    #[error(
        "no PostgreSQL {MIN_VERSION}+ server binaries (initdb, pg_ctl) found {searched}; \
         install them (`apt install postgresql`) or run `docker compose up` and set [database] url"
    )]
    NoBinaries {
        /// Where they were looked for.
        searched: String,
    },
    /// Running as root with no unprivileged user to run the server as.
    #[error(
        "running as root, the embedded database must run as the `postgres` system user, and there \
         is none; create it (`apt install postgresql` does) or set [database] url to a server"
    )]
    NoServiceUser,
    /// The server's user cannot write the data folder.
    #[error(
        "the `postgres` user cannot write {0}; set [database] data_dir to a folder it can reach \
         (as root the default is /var/lib/wirehose/postgres)"
    )]
    FolderUnreachable(PathBuf),
    /// The socket path would be longer than Unix allows.
    #[error("the data folder {0} is too long a path for a Unix socket; set a shorter [database] data_dir")]
    PathTooLong(PathBuf),
    /// A PostgreSQL command failed.
    #[error("{what} failed: {detail}")]
    Command {
        /// The command, e.g. `initdb`.
        what: String,
        /// Its last lines of output.
        detail: String,
    },
    /// A file operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// Where and how the embedded cluster runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The cluster's data folder (also its socket folder).
    pub data_dir: PathBuf,
    /// A TCP address to listen on as well, if any.
    pub listen: Option<SocketAddr>,
    /// Where the server binaries are; `None` searches `PATH`, then `/usr/lib/postgresql/*/bin`.
    pub bin_dir: Option<PathBuf>,
}

impl Settings {
    /// The default settings: the default data folder, no TCP, binaries searched for.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            listen: None,
            bin_dir: None,
        }
    }
}

/// The default data folder: `$XDG_DATA_HOME/wirehose/postgres`, else
/// `~/.local/share/wirehose/postgres`; as root without `XDG_DATA_HOME`, `/var/lib/wirehose/postgres`.
pub fn default_data_dir() -> PathBuf {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(xdg) = env("XDG_DATA_HOME") {
        return PathBuf::from(xdg).join("wirehose/postgres");
    }
    if is_root() {
        return PathBuf::from("/var/lib/wirehose/postgres");
    }
    match env("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/wirehose/postgres"),
        None => PathBuf::from("/var/lib/wirehose/postgres"),
    }
}

/// Whether this process runs as root.
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The installed server binaries chosen to run the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binaries {
    /// The folder holding `initdb` and `pg_ctl`.
    pub dir: PathBuf,
    /// Their major version.
    pub version: u32,
}

/// Finds the newest installed `initdb` and `pg_ctl` of version [`MIN_VERSION`] or later.
pub fn find_binaries(bin_dir: Option<&Path>) -> Result<Binaries, EmbeddedError> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    let searched = match bin_dir {
        Some(d) => {
            candidates.push(d.to_path_buf());
            format!("in {}", d.display())
        }
        None => {
            if let Some(path) = std::env::var_os("PATH") {
                candidates.extend(std::env::split_paths(&path));
            }
            if let Ok(entries) = std::fs::read_dir(LIB_ROOT) {
                candidates.extend(entries.flatten().map(|e| e.path().join("bin")));
            }
            format!("on PATH or in {LIB_ROOT}/*/bin")
        }
    };
    candidates
        .into_iter()
        .filter(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
        .filter_map(|dir| version_of(&dir.join("pg_ctl")).map(|version| Binaries { dir, version }))
        .filter(|b| b.version >= MIN_VERSION)
        .max_by_key(|b| b.version)
        .ok_or(EmbeddedError::NoBinaries { searched })
}

/// The major version a PostgreSQL program reports, e.g. 15 for "pg_ctl (PostgreSQL) 15.10".
fn version_of(program: &Path) -> Option<u32> {
    let out = Command::new(program).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let number = text.split_whitespace().last()?;
    number.split(['.', 'b', 'r']).next()?.parse().ok()
}

/// The unprivileged user the server runs as when wirehose runs as root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ServiceUser {
    uid: u32,
    gid: u32,
}

/// Looks up the `postgres` system user in `/etc/passwd`.
fn service_user() -> Result<ServiceUser, EmbeddedError> {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&"postgres") && f.len() > 3)
        .and_then(|f| {
            Some(ServiceUser {
                uid: f[2].parse().ok()?,
                gid: f[3].parse().ok()?,
            })
        })
        .ok_or(EmbeddedError::NoServiceUser)
}

/// A running embedded cluster, in use by this process until dropped.
#[derive(Debug)]
pub struct Cluster {
    settings: Settings,
    binaries: Binaries,
    run_as: Option<ServiceUser>,
    lock: Option<File>,
    started: bool,
}

impl Cluster {
    /// Creates the cluster on first use, starts it unless it is running, and takes a share in it.
    pub fn start(settings: Settings) -> Result<Cluster, EmbeddedError> {
        let binaries = find_binaries(settings.bin_dir.as_deref())?;
        let run_as = if is_root() {
            Some(service_user()?)
        } else {
            None
        };
        let socket = settings.data_dir.join(".s.PGSQL.65535");
        if socket.as_os_str().len() > 107 {
            return Err(EmbeddedError::PathTooLong(settings.data_dir.clone()));
        }
        let mut cluster = Cluster {
            settings,
            binaries,
            run_as,
            lock: None,
            started: false,
        };
        cluster.prepare_folder()?;
        let gate = cluster.open_lock(".start.lock")?;
        flock(&gate, libc::LOCK_EX, &cluster.lock_path(".start.lock"))?;
        cluster.start_locked()?;
        let share = cluster.open_lock(".lock")?;
        flock(&share, libc::LOCK_SH, &cluster.lock_path(".lock"))?;
        cluster.lock = Some(share);
        Ok(cluster)
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.settings.data_dir
    }

    /// The server binaries in use.
    pub fn binaries(&self) -> &Binaries {
        &self.binaries
    }

    /// Whether this process started the server (rather than finding it running).
    pub fn started_here(&self) -> bool {
        self.started
    }

    /// A connection URL for `database` over the socket, which both `psql` and sqlx accept.
    pub fn url_for(&self, database: &str) -> String {
        let dir = self.settings.data_dir.to_string_lossy();
        let host: String = dir
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        let port = match self.port() {
            5432 => String::new(),
            p => format!(":{p}"),
        };
        format!("postgresql://postgres@{host}{port}/{database}")
    }

    /// The connection URL of wirehose's database in the cluster.
    pub fn url(&self) -> String {
        self.url_for(DATABASE)
    }

    /// Gives up this process's share without stopping the server, leaving it running.
    pub fn detach(mut self) {
        self.lock = None;
    }

    /// Gives up this process's share; the last process out stops a server wirehose started.
    pub fn release(mut self) -> Result<bool, EmbeddedError> {
        self.release_share()
    }

    fn release_share(&mut self) -> Result<bool, EmbeddedError> {
        let Some(share) = self.lock.take() else {
            return Ok(false);
        };
        // No one starts the cluster while we decide; the share is exclusive only when we are last.
        let gate = self.open_lock(".start.lock")?;
        flock(&gate, libc::LOCK_EX, &self.lock_path(".start.lock"))?;
        if flock(
            &share,
            libc::LOCK_EX | libc::LOCK_NB,
            &self.lock_path(".lock"),
        )
        .is_err()
        {
            return Ok(false);
        }
        let marker = self.settings.data_dir.join(STARTED_MARKER);
        if !marker.exists() || self.running_pid().is_none() {
            return Ok(false);
        }
        let out = self.pg_ctl(&["stop", "-m", "fast", "-w", "-t", "60"])?;
        check("pg_ctl stop", &out)?;
        let _ = std::fs::remove_file(&marker);
        Ok(true)
    }

    fn port(&self) -> u16 {
        self.settings.listen.map(|a| a.port()).unwrap_or(5432)
    }

    /// A lock file beside the data folder: `.lock` for users' shares, `.start.lock` for start-up.
    fn lock_path(&self, suffix: &str) -> PathBuf {
        let mut p = self.settings.data_dir.clone().into_os_string();
        p.push(suffix);
        PathBuf::from(p)
    }

    fn open_lock(&self, suffix: &str) -> Result<File, EmbeddedError> {
        let path = self.lock_path(suffix);
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| EmbeddedError::Io { path, source })
    }

    /// Creates the data folder (mode 0700, owned by the server's user) and checks that user can write it.
    fn prepare_folder(&self) -> Result<(), EmbeddedError> {
        let dir = &self.settings.data_dir;
        let io = |source| EmbeddedError::Io {
            path: dir.clone(),
            source,
        };
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        if !dir.exists() {
            std::fs::create_dir(dir).map_err(io)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
        if let Some(u) = self.run_as {
            std::os::unix::fs::chown(dir, Some(u.uid), Some(u.gid)).map_err(io)?;
            let ok = self
                .command(Path::new("test"))
                .arg("-w")
                .arg(dir)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !ok {
                return Err(EmbeddedError::FolderUnreachable(dir.clone()));
            }
        }
        Ok(())
    }

    /// Under the exclusive lock: initdb when the folder is new, then start unless running.
    fn start_locked(&mut self) -> Result<(), EmbeddedError> {
        let dir = self.settings.data_dir.clone();
        if !dir.join("PG_VERSION").exists() {
            self.initdb()?;
        }
        self.write_settings()?;
        if self.running_pid().is_some() {
            return Ok(());
        }
        let log = dir.join("server.log");
        let out = self.pg_ctl(&["start", "-w", "-t", "120", "-l", &log.to_string_lossy()])?;
        if !out.status.success() {
            let tail = last_lines(&std::fs::read_to_string(&log).unwrap_or_default(), 3);
            return Err(EmbeddedError::Command {
                what: "pg_ctl start".into(),
                detail: format!("{} {tail}", output_text(&out)).trim().to_string(),
            });
        }
        self.write_file(STARTED_MARKER, &std::process::id().to_string())?;
        self.started = true;
        Ok(())
    }

    fn initdb(&self) -> Result<(), EmbeddedError> {
        tracing::info!(data_dir = %self.settings.data_dir.display(), version = self.binaries.version, "creating the embedded database cluster");
        let out = self
            .command(&self.binaries.dir.join("initdb"))
            .arg("-D")
            .arg(&self.settings.data_dir)
            .args(["-U", "postgres", "-E", "UTF8", "--no-locale"])
            .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
            .arg("--no-instructions")
            .output()
            .map_err(|source| self.io_error("initdb", source))?;
        check("initdb", &out)?;
        let conf = self.settings.data_dir.join("postgresql.conf");
        let mut f = OpenOptions::new()
            .append(true)
            .open(&conf)
            .map_err(|source| EmbeddedError::Io {
                path: conf.clone(),
                source,
            })?;
        writeln!(
            f,
            "\n# Written by wirehose on every start.\ninclude_if_exists = 'wirehose.conf'"
        )
        .map_err(|source| EmbeddedError::Io { path: conf, source })
    }

    /// Writes `wirehose.conf`: the socket folder and, when asked, a TCP address.
    fn write_settings(&self) -> Result<(), EmbeddedError> {
        let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let listen = self
            .settings
            .listen
            .map(|a| a.ip().to_string())
            .unwrap_or_default();
        let text = format!(
            "listen_addresses = {}\nport = {}\nunix_socket_directories = {}\nunix_socket_permissions = 0700\n",
            quote(&listen),
            self.port(),
            quote(&self.settings.data_dir.to_string_lossy()),
        );
        self.write_file("wirehose.conf", &text)
    }

    fn write_file(&self, name: &str, text: &str) -> Result<(), EmbeddedError> {
        let path = self.settings.data_dir.join(name);
        let io = |source| EmbeddedError::Io {
            path: path.clone(),
            source,
        };
        std::fs::write(&path, text).map_err(io)?;
        if let Some(u) = self.run_as {
            std::os::unix::fs::chown(&path, Some(u.uid), Some(u.gid)).map_err(io)?;
        }
        Ok(())
    }

    /// The postmaster's pid when it runs; a `postmaster.pid` naming a process that is gone or is
    /// not PostgreSQL (left by a crash, the pid since reused) is removed.
    fn running_pid(&self) -> Option<u32> {
        let pid_file = self.settings.data_dir.join("postmaster.pid");
        let text = std::fs::read_to_string(&pid_file).ok()?;
        let pid: u32 = text.lines().next()?.trim().parse().ok()?;
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() == "postgres" {
            return Some(pid);
        }
        tracing::warn!(pid, file = %pid_file.display(), "removing a stale postmaster.pid left by a server that is gone");
        let _ = std::fs::remove_file(&pid_file);
        if let Ok(entries) = std::fs::read_dir(&self.settings.data_dir) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with(".s.PGSQL.") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        None
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<Output, EmbeddedError> {
        self.command(&self.binaries.dir.join("pg_ctl"))
            .arg("-D")
            .arg(&self.settings.data_dir)
            .args(args)
            .output()
            .map_err(|source| self.io_error("pg_ctl", source))
    }

    /// A command run as the server's user, from `/` so that it needs no access to ours.
    fn command(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        c.current_dir("/").env_remove("PGDATA").env("LC_ALL", "C");
        if let Some(u) = self.run_as {
            c.uid(u.uid).gid(u.gid);
        }
        c
    }

    fn io_error(&self, program: &str, source: std::io::Error) -> EmbeddedError {
        EmbeddedError::Io {
            path: self.binaries.dir.join(program),
            source,
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(e) = self.release_share() {
            tracing::warn!(error = %e, "cannot stop the embedded database");
        }
    }
}

fn flock(file: &File, op: libc::c_int, path: &Path) -> Result<(), EmbeddedError> {
    // SAFETY: the descriptor is open for the duration of the call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), op) };
    if rc == 0 {
        Ok(())
    } else {
        Err(EmbeddedError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::last_os_error(),
        })
    }
}

fn check(what: &str, out: &Output) -> Result<(), EmbeddedError> {
    if out.status.success() {
        return Ok(());
    }
    Err(EmbeddedError::Command {
        what: what.into(),
        detail: output_text(out),
    })
}

fn output_text(out: &Output) -> String {
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    last_lines(&text, 3)
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}
