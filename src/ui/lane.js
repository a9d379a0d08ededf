// The page's reads of the files it is given, and the hand-over of small
// files to the ingest workers (src/ui/worker_load/books.rs; the main-thread
// engine reads through it too). scripts/finalize.mjs puts it in the boot
// script as `globalThis.tlsrptLane`; the module calls it through
// `js_namespace` bindings (src/ui/lane.rs).
//
// Why JavaScript: every call between the module and the page costs a few
// microseconds, and a file read, handed to a worker and answered took about
// thirty of them (a name read and decoded, objects built key by key, a
// promise's result taken apart), more than reading the file itself. Here a
// batch of files is read and handed over in two calls, whatever its size.
globalThis.tlsrptLane = {
  // Reads a batch side by side: `files` are File objects, or Uint8Arrays
  // the page already holds (pasted text, the samples), whose names are in
  // `paths`. With `sized`, each File's size is read first (a synchronous
  // lookup, up to a millisecond each: only small batches, where one big
  // mailbox is likely, ask for it): of a file of `blob` bytes or more only
  // the first 64 bytes are read (the workers read it from its File), and a
  // file over `most` bytes is not read at all; without, a file found over
  // `most` bytes once read is LARGE all the same, its bytes let go.
  //
  // Resolves with [names, bytes, sizes, kinds, errors], an entry a file, in
  // order: its name (`paths[i]` when given: a file from a dropped folder
  // keeps its path); its bytes (a Uint8Array, or null); its size; what was
  // read (READ: the file, HEAD: its first bytes, LARGE: nothing, FAILED:
  // nothing, see src/ui/worker_load/books.rs); why the browser could not
  // read it ('' when it could).
  read(files, paths, sized, blob, most) {
    const READ = 0, HEAD = 1, LARGE = 2, FAILED = 3;
    const n = files.length;
    const sizes = new Float64Array(n);
    const kinds = new Uint8Array(n);
    const reads = files.map((f, i) => {
      if (f instanceof Uint8Array) return f;
      if (sized) {
        sizes[i] = f.size;
        if (sizes[i] > most) {
          kinds[i] = LARGE;
          return null;
        }
        if (sizes[i] >= blob) {
          kinds[i] = HEAD;
          return f.slice(0, 64).arrayBuffer();
        }
      }
      return f.arrayBuffer();
    });
    return Promise.allSettled(reads).then((settled) => {
      // When the page's reads end (the browser bench's "last read"): what a
      // load adds to the read floor before its last read, and after it.
      performance.mark('lane read');
      const names = new Array(n);
      const bytes = new Array(n);
      const errors = new Array(n);
      for (let i = 0; i < n; i++) {
        const s = settled[i];
        names[i] = (paths && paths[i]) || files[i].name;
        errors[i] = '';
        bytes[i] = null;
        if (s.status !== 'fulfilled') {
          kinds[i] = FAILED;
          errors[i] = String((s.reason && s.reason.message) || s.reason || 'unknown error');
        } else if (s.value) {
          bytes[i] = s.value instanceof Uint8Array ? s.value : new Uint8Array(s.value);
          if (kinds[i] === READ) sizes[i] = bytes[i].length;
          if (sizes[i] > most) {
            kinds[i] = LARGE;
            bytes[i] = null;
          }
        }
      }
      return [names, bytes, sizes, kinds, errors];
    });
  },
  // Hands a batch read by `read` to `worker`: its bytes side by side in one
  // array, transferred, which the worker hands to the module in one call
  // (the copy costs the page ~4 ms over 6,620 files), `ends[i]` where file
  // i's end. `seqs`
  // may be a view on the module's memory: it is copied, as posting a view
  // would clone all of that memory.
  send(worker, seqs, names, bytes) {
    let total = 0;
    for (const b of bytes) total += b.length;
    const all = new Uint8Array(total);
    const ends = new Float64Array(bytes.length);
    let at = 0;
    for (let i = 0; i < bytes.length; i++) {
      all.set(bytes[i], at);
      at += bytes[i].length;
      ends[i] = at;
    }
    worker.postMessage({ seqs: seqs.slice(), names, all, ends }, [all.buffer]);
  },
};
