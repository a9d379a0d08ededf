//! Turning a drop into files, walking dropped folders recursively.
//!
//! `DataTransferItem.webkitGetAsEntry()` is the only way a page can see inside
//! a dropped folder. Its API is callback-based; each callback is wrapped in a
//! `Promise` so the walk reads as ordinary async code.

use std::future::Future;
use std::pin::Pin;

use js_sys::{Array, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

use super::loader::Source;

/// Most files taken from one drop of folders; far above any real export.
const MAX_FOLDER_FILES: usize = 500_000;

/// The entries of a drop, taken synchronously: the browser clears the
/// `DataTransfer` once the event handler returns.
pub fn entries(dt: &DataTransfer) -> Vec<FileSystemEntry> {
    let items = dt.items();
    (0..items.length())
        .filter_map(|i| items.get(i))
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect()
}

/// Whether any entry is a folder (otherwise `DataTransfer.files` is enough).
pub fn has_folder(entries: &[FileSystemEntry]) -> bool {
    entries.iter().any(FileSystemEntry::is_directory)
}

/// Every file under the given entries, with its path inside the drop.
pub async fn walk(entries: Vec<FileSystemEntry>) -> Vec<Source> {
    let mut out = Vec::new();
    for e in entries {
        walk_entry(e, String::new(), &mut out).await;
    }
    out
}

fn walk_entry<'a>(
    entry: FileSystemEntry,
    prefix: String,
    out: &'a mut Vec<Source>,
) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
    Box::pin(async move {
        if out.len() >= MAX_FOLDER_FILES {
            return;
        }
        let path = format!("{prefix}{}", entry.name());
        if entry.is_file() {
            let file_entry: FileSystemFileEntry = entry.unchecked_into();
            let promise =
                Promise::new(&mut |resolve, reject| file_entry.file_with_callback_and_callback(&resolve, &reject));
            if let Ok(file) = JsFuture::from(promise).await {
                out.push(Source::File(file.unchecked_into(), Some(path), None));
            }
        } else if entry.is_directory() {
            let dir: FileSystemDirectoryEntry = entry.unchecked_into();
            let reader = dir.create_reader();
            // readEntries returns at most ~100 entries per call; call until empty.
            loop {
                let promise = Promise::new(&mut |resolve, reject| {
                    let _ = reader.read_entries_with_callback_and_callback(&resolve, &reject);
                });
                let Ok(batch) = JsFuture::from(promise).await else { break };
                let batch: Array = batch.unchecked_into();
                if batch.length() == 0 {
                    break;
                }
                for child in batch.iter() {
                    walk_entry(child.unchecked_into(), format!("{path}/"), out).await;
                }
            }
        }
    })
}
