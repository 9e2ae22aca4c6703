// The two browser globals dexie-export-import needs, for Node: `self` and a FileReader that reads
// through Blob's own promise methods.
const g = globalThis as Record<string, unknown>;
g.self ??= globalThis;

type Handler = ((this: FileReaderShim, ev: { target: FileReaderShim }) => void) | null;

class FileReaderShim {
  result: string | ArrayBuffer | null = null;
  error: unknown = null;
  onload: Handler = null;
  onerror: Handler = null;
  private finish(p: Promise<string | ArrayBuffer>) {
    p.then(
      (r) => {
        this.result = r;
        this.onload?.call(this, { target: this });
      },
      (e: unknown) => {
        this.error = e;
        this.onerror?.call(this, { target: this });
      },
    );
  }
  readAsText(b: Blob) {
    this.finish(b.text());
  }
  readAsArrayBuffer(b: Blob) {
    this.finish(b.arrayBuffer());
  }
  readAsBinaryString(b: Blob) {
    this.finish(
      b.arrayBuffer().then((buf) => {
        let s = '';
        for (const byte of new Uint8Array(buf)) s += String.fromCharCode(byte);
        return s;
      }),
    );
  }
}

g.FileReader ??= FileReaderShim;
