//! Minimal `dlopen`/`dlsym` binding (glibc exports these from libc itself
//! since 2.34, which Rust's std already links). Four functions did not
//! justify a new dependency.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::Path;

extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlclose(handle: *mut c_void) -> c_int;
    fn dlerror() -> *const c_char;
}

const RTLD_NOW: c_int = 2;
const RTLD_LOCAL: c_int = 0;

/// A loaded shared library; closed when dropped.
pub struct Library {
    handle: *mut c_void,
}

// The handle is only used for dlsym/dlclose, both thread-safe in glibc.
unsafe impl Send for Library {}
unsafe impl Sync for Library {}

fn last_error() -> String {
    // SAFETY: dlerror returns NULL or a valid C string.
    unsafe {
        let e = dlerror();
        if e.is_null() {
            "unknown dl error".into()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    }
}

impl Library {
    /// `dlopen(path, RTLD_NOW | RTLD_LOCAL)`: each model library keeps its
    /// own copy of the Verilator runtime and sees no other library's symbols.
    pub fn open(path: &Path) -> Result<Self, String> {
        let c = CString::new(path.as_os_str().to_string_lossy().as_bytes())
            .map_err(|e| e.to_string())?;
        // SAFETY: c is a valid NUL-terminated path.
        let handle = unsafe { dlopen(c.as_ptr(), RTLD_NOW | RTLD_LOCAL) };
        if handle.is_null() {
            return Err(format!("dlopen {}: {}", path.display(), last_error()));
        }
        Ok(Library { handle })
    }

    /// Address of `name`, or an error if the library does not export it.
    pub fn symbol(&self, name: &str) -> Result<*mut c_void, String> {
        let c = CString::new(name).map_err(|e| e.to_string())?;
        // SAFETY: handle is open, c is a valid C string.
        let p = unsafe { dlsym(self.handle, c.as_ptr()) };
        if p.is_null() {
            Err(format!("dlsym {name}: {}", last_error()))
        } else {
            Ok(p)
        }
    }
}

impl Drop for Library {
    fn drop(&mut self) {
        // SAFETY: handle came from dlopen and is closed once.
        unsafe {
            dlclose(self.handle);
        }
    }
}
