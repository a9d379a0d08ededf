//! Loading through the ingest workers: the page reads the files (the
//! cheapest way to get a file's bytes to a worker is to read it here and
//! transfer them), the workers parse, and the page merges their answers in
//! the order the files were given. A big file (see [`BLOB_BYTES`]) is read by
//! the workers themselves, from its `File`. A big archive or mailbox is read
//! in parts by several workers side by side ([`crate::engine::split_count`]);
//! its parts merge in order like files.
//!
//! Every file takes [`STRIDE`] sequence numbers: part `k` of a file answers
//! under its first number plus `k`, and the numbers a file does not use are
//! covered by an [`Arrived::Nothing`] once its parts are known, so the in-order
//! merge ([`crate::engine::Reorder`]) sees one gap-free sequence.

use leptos::prelude::*;

use super::loader::{could_not_read, Slicer, CANCELLED};
use super::state::AppState;
use super::workers::{FileReply, JsAnswer, Pool, Reply};
use crate::analysis::Growth;
use crate::engine::{merge_chunk, ChunkReader};

mod books;

use books::*;

/// Loads through the workers (see the module's documentation).
pub(super) async fn drive_workers(state: AppState, pool: &mut Pool, slicer: &mut Slicer) {
    let mailbox = pool.mailbox();
    let mut b = Books::new(pool.next_seq);
    loop {
        let stop = if state.cancelled.get_value() {
            Some(CANCELLED)
        } else if !pool.alive() {
            Some("no ingest worker could be started to read it")
        } else {
            None
        };
        if let Some(why) = stop {
            // What is being read or parsed is not merged; late answers carry
            // earlier sequence numbers than any later load, and are dropped.
            // A big file merged in part ends where it is.
            pool.next_seq = b.seq;
            state.data.update_value(|d| {
                if let Some(id) = d.open_id() {
                    d.cancel_file(id);
                }
            });
            for s in b.outstanding() {
                // A file not begun gets a row; the rest of a big file begun is in its row.
                let item = if s == b.file_of(s) {
                    Arrived::Unreadable { name: b.name(s), why: why.to_owned(), size: 0.0 }
                } else {
                    Arrived::Nothing
                };
                for item in b.order.push(s, item) {
                    merge(state, slicer, item).await;
                }
            }
            return;
        }
        // Starting a file's read costs the page ~0.1 ms, a batch's ~10 ms: a
        // batch or two per turn, the rest as replies come in. Reads have a
        // budget of their own, not what is left of the slice.
        let deadline = js_sys::Date::now() + READ_START_MS;
        while b.reading < READS_IN_FLIGHT
            && b.ready_bytes < READY_BYTES
            && js_sys::Date::now() < deadline
            && b.start_read(state, &mailbox)
        {}
        let mut arrived = b.dispatch(pool);
        if arrived.is_empty() && b.drained() {
            // Everything taken has been merged: stop, unless files were queued meanwhile.
            if state.queue.try_update_value(|q| q.finish()).unwrap_or(true) {
                pool.next_seq = b.seq;
                return;
            }
            continue;
        }
        // Replies already queued are taken without yielding, and a reply that
        // only brings bytes merges nothing: the loop itself gives the browser
        // its turn once the slice is used up (tasks of 50-90 ms otherwise),
        // after the reads it could start are started (they are what a load of
        // many files waits on).
        if slicer.due() {
            slicer.pause(0).await;
        }
        if arrived.is_empty() {
            let reply = pool.next().await;
            arrived = answers(state, &mut b, pool, reply);
        }
        for (s, a) in arrived {
            let span = b.span(s, &a);
            for item in b.order.push_span(s, span, a) {
                merge(state, slicer, item).await;
            }
        }
    }
}

/// Books one reply: bytes read wait for a worker; a worker's answers wait
/// for their turn to be merged, returned here.
fn answers(state: AppState, b: &mut Books, pool: &mut Pool, reply: Reply) -> Vec<(u64, Arrived)> {
    let mut arrived = Vec::new();
    match reply {
        Reply::Lane { seqs, read, sized } => {
            if seqs.first().is_some_and(|s| *s < b.first) {
                return arrived; // from a cancelled load
            }
            b.reading -= 1;
            arrived.extend(b.lane_done(state, seqs, read, sized, pool.size()));
        }
        Reply::Batch { worker, files } => {
            pool.answered(worker);
            let mut trapped = false;
            // Once answered (a retry is not), nothing is kept to send a file
            // again; its error row takes its name first.
            for f in files {
                match f {
                    FileReply::Done { seq, bytes, size } => {
                        let name = b.answered(seq);
                        match b.part(seq, Ok(ChunkReader::new(bytes))) {
                            Ok(part) => arrived.push((seq, part)),
                            Err(answer) => {
                                if let Ok(reader) = answer {
                                    arrived.push((seq, Arrived::Answer { name, reader, size }));
                                }
                            }
                        }
                    }
                    FileReply::Failed { seq, why } => {
                        trapped = true;
                        arrived.extend(b.failed(seq, format!("the file could not be read: {why}"), 0.0));
                        b.answered(seq);
                    }
                    FileReply::Retry { seq } => arrived.extend(requeue(b, seq)),
                    FileReply::Unreadable { seq, why } => {
                        arrived.extend(b.failed(seq, could_not_read(&why), 0.0));
                        b.answered(seq);
                    }
                }
            }
            if trapped {
                // The module may have trapped: this worker is not trusted again;
                // what it still holds is read again for a fresh one.
                b.holds.remove(&worker);
                for s in pool.replace(worker) {
                    arrived.extend(requeue(b, s));
                }
            }
        }
        Reply::Died { worker, why } => {
            // What it held goes to a fresh worker again, each file or part
            // alone (a file is read again, a part handed again); one lost
            // again when alone (it kills workers by itself) gets an error row.
            b.holds.remove(&worker);
            let why = format!("the worker reading it stopped ({why}); it may need more memory than the page has");
            for s in pool.replace(worker) {
                if b.alone.insert(s) && b.try_again(s) {
                    count_worker_retry();
                } else {
                    let size = b.held.get(&s).map_or(0.0, |src| src.size());
                    arrived.extend(b.failed(s, why.clone(), size));
                    b.held.remove(&s);
                }
            }
        }
        Reply::Ready | Reply::InitFailed | Reply::Interrupted => {}
    }
    arrived
}

/// A file a stopped worker had not read goes back to be read again, a part
/// of a big file to be handed to a worker again.
fn requeue(b: &mut Books, seq: u64) -> Vec<(u64, Arrived)> {
    if b.try_again(seq) {
        return Vec::new();
    }
    b.failed(seq, "the worker reading it stopped".to_owned(), 0.0)
}

/// Merges one answer, a chunk per time slice.
async fn merge(state: AppState, slicer: &mut Slicer, item: Arrived) {
    match item {
        Arrived::Nothing => return,
        Arrived::Unreadable { name, why, size } => {
            state.data.update_value(|d| {
                d.add_unreadable(&name, size as usize, &why);
            });
            slicer.file_done(size as u64);
        }
        Arrived::Answer { name, reader, size } => {
            if let Some(id) = merge_chunks(state, slicer, reader, None, &name, size).await {
                state.data.update_value(|d| {
                    d.finish_file(id);
                });
            }
            slicer.file_done(size as u64);
        }
        Arrived::Part { name, part, parts, format, size, answer } => {
            // Part 0 opens the file; the others add to it.
            let open = state.data.with_value(|d| d.open_id()).filter(|_| part > 0);
            let id = match answer {
                Ok(reader) => merge_chunks(state, slicer, reader, open, &FileName::Known(name.clone()), size).await,
                Err(why) => state.data.try_update_value(|d| {
                    let id = open.unwrap_or_else(|| d.start_file(&name, size as usize, format));
                    d.note_error(id, "", &format!("part {} of {parts} of the file could not be read: {why}", part + 1));
                    id
                }),
            };
            if part + 1 == parts {
                if let Some(id) = id {
                    state.data.update_value(|d| {
                        d.finish_file(id);
                    });
                }
                slicer.file_done(size as u64);
            }
        }
    }
    if slicer.due() {
        slicer.pause(0).await;
    }
}

/// Merges an answer's chunks into the file `open` (a part after the first),
/// or into a file the first chunk opens; returns the file's id.
async fn merge_chunks(
    state: AppState,
    slicer: &mut Slicer,
    mut reader: ChunkReader<JsAnswer>,
    open: Option<usize>,
    name: &FileName,
    size: f64,
) -> Option<usize> {
    let mut id = open;
    let continuing = open.is_some();
    while let Some(chunk) = reader.next_chunk() {
        match chunk {
            Ok(c) => {
                make_room(state, slicer, Growth::of(&c.deliveries)).await;
                state.data.update_value(|d| id = merge_chunk(d, id, continuing, c));
            }
            Err(why) => {
                state.data.update_value(|d| match id {
                    Some(id) => d.note_error(id, "", &why),
                    None => {
                        d.add_unreadable(&name.get(), size as usize, &why);
                    }
                });
                break;
            }
        }
        if state.cancelled.get_value() {
            if let Some(id) = id.take() {
                state.data.update_value(|d| d.cancel_file(id));
            }
            break;
        }
        if slicer.due() {
            slicer.pause(0).await;
        }
    }
    id
}

/// Tables of at least this many rows grow in a task of their own: doubling
/// one takes ~4 ms in the page at this size, ~40 ms at 60,000 rows.
const BIG_TABLE: usize = 8192;

/// Grows the data set's tables that merging a chunk adding up to `g` would
/// fill, before it is merged ([`crate::analysis::Dataset::make_room`]): a big
/// table in a task of its own, and the merge after it in a fresh one. At
/// 100,000 domains several tables filled up inside one chunk's merge, which
/// held the page for 50-100 ms.
async fn make_room(state: AppState, slicer: &mut Slicer, g: Growth) {
    while let Some(rows) = state.data.try_update_value(|d| d.make_room(g, false)).flatten() {
        let big = rows >= BIG_TABLE;
        if big {
            slicer.pause(0).await;
        }
        state.data.update_value(|d| {
            d.make_room(g, true);
        });
        if big {
            slicer.pause(0).await;
        }
    }
}
