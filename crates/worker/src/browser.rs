//! A file's bytes where the page left them: in the browser's memory, as a transferred
//! `ArrayBuffer`. The only browser type in this library, so that the binary and the app's
//! browser tests read files as the worker does; everything else here is plain Rust.

use blastmap_ingest::ByteSource;

/// A file's bytes in the browser's memory, as the page transferred them: copied into the
/// worker's memory only as they are read.
pub struct InBrowser(pub js_sys::Uint8Array);

impl ByteSource for InBrowser {
    fn size(&self) -> usize {
        self.0.length() as usize
    }

    fn copy_to(&self, offset: usize, into: &mut [u8]) {
        // Offsets within a typed array fit in u32.
        let (from, to) = (offset as u32, (offset + into.len()) as u32);
        self.0.subarray(from, to).copy_to(into);
    }
}
