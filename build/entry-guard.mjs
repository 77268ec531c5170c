// Puts the entry guard (build/entry-guard.c: why it exists, what it does) in front of Node.js's
// entry point in the finished binary. Runs after postject, so the layout it patches is final: it
// writes the guard into the zero padding at the end of an executable segment's last page (which
// the kernel maps executable with that page anyway), grows that segment over it and points the
// ELF entry at it. Every assumption is checked; the build fails when one no longer holds, so a
// new Node.js or toolchain cannot silently ship a binary without the guard.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GUARD_SOURCE = 'build/entry-guard.c';

const CFLAGS = [
  '-Os', '-fPIC', '-ffreestanding', '-fno-builtin', '-fno-stack-protector', '-fno-asynchronous-unwind-tables',
  '-fcf-protection=none', '-nostdlib', '-static', '-Wall', '-Wextra', '-Werror',
];

const PT_LOAD = 1;
const PF_X = 1;
const EM_X86_64 = 62;
const PAGE = 4096;

/** glibc's x86-64 _start: [endbr64] xor %ebp,%ebp; mov %rdx,%r9 — the contract the guard keeps. */
const START_PATTERNS = [
  Buffer.from([0xf3, 0x0f, 0x1e, 0xfa, 0x31, 0xed, 0x49, 0x89, 0xd1]),
  Buffer.from([0x31, 0xed, 0x49, 0x89, 0xd1]),
];

/**
 * Compiles the guard to flat bytes. Linked at two addresses: identical bytes prove it holds no
 * absolute address, so it runs wherever the patch puts it.
 * @returns {{ code: Buffer, jumpOffset: number }}
 */
export function compileGuard(root) {
  const work = mkdtempSync(join(tmpdir(), 'strata-guard-'));
  try {
    const link = (base) => {
      const script = join(work, `at-${base}.ld`);
      writeFileSync(script, `SECTIONS {\n  . = ${base};\n  .text : { *(.text.entry) *(.text .text.*) *(.rodata .rodata.*) }\n  /DISCARD/ : { *(*) }\n}\n`);
      const elf = join(work, `at-${base}.elf`);
      const flat = join(work, `at-${base}.bin`);
      run('gcc', [...CFLAGS, `-Wl,-T,${script}`, '-Wl,-e,guard_entry', '-Wl,--build-id=none', '-o', elf, join(root, GUARD_SOURCE)]);
      run('objcopy', ['-O', 'binary', '-j', '.text', elf, flat]);
      const symbols = new Map(run('nm', [elf]).trim().split('\n').map((l) => l.split(' ')).map(([addr, , name]) => [name, Number.parseInt(addr, 16) - base]));
      return { code: readFileSync(flat), symbols };
    };
    const low = link(0);
    const high = link(0x10000);
    if (!low.code.equals(high.code)) throw new Error('entry guard: the compiled code is not position-independent');
    if (low.symbols.get('guard_entry') !== 0) throw new Error('entry guard: guard_entry is not the first instruction');
    const jumpOffset = low.symbols.get('guard_jump');
    if (jumpOffset === undefined || low.code[jumpOffset - 1] !== 0xe9) throw new Error('entry guard: no jmp rel32 at guard_jump');
    return { code: low.code, jumpOffset };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Patches `binary` in place so the guard runs first. Returns the guard's virtual address. */
export function installGuard(binary, guard) {
  const fd = openSync(binary, 'r+');
  try {
    const read = (pos, len) => {
      const buf = Buffer.alloc(len);
      if (readSync(fd, buf, 0, len, pos) !== len) throw new Error(`entry guard: ${binary} is truncated`);
      return buf;
    };
    const ehdr = read(0, 64);
    if (ehdr.readUInt32BE(0) !== 0x7f454c46 || ehdr[4] !== 2 || ehdr[5] !== 1) throw new Error('entry guard: not a 64-bit little-endian ELF file');
    if (ehdr.readUInt16LE(18) !== EM_X86_64) throw new Error('entry guard: written for x86-64 only');
    const entry = Number(ehdr.readBigUInt64LE(24));
    const phoff = Number(ehdr.readBigUInt64LE(32));
    const phentsize = ehdr.readUInt16LE(54);
    const phnum = ehdr.readUInt16LE(56);
    const phdrs = read(phoff, phentsize * phnum);
    const segments = Array.from({ length: phnum }, (_, i) => {
      const at = i * phentsize;
      return {
        at: phoff + at,
        type: phdrs.readUInt32LE(at),
        flags: phdrs.readUInt32LE(at + 4),
        offset: Number(phdrs.readBigUInt64LE(at + 8)),
        vaddr: Number(phdrs.readBigUInt64LE(at + 16)),
        filesz: Number(phdrs.readBigUInt64LE(at + 32)),
        memsz: Number(phdrs.readBigUInt64LE(at + 40)),
      };
    });

    const text = segments.find((s) => s.type === PT_LOAD && s.vaddr <= entry && entry < s.vaddr + s.filesz);
    if (!text) throw new Error('entry guard: the entry point is in no loaded segment');
    const start = read(text.offset + (entry - text.vaddr), 9);
    if (!START_PATTERNS.some((p) => start.subarray(0, p.length).equals(p))) {
      throw new Error(`entry guard: the entry point is not glibc's _start (found ${start.toString('hex')})`);
    }

    // A cave: the padding after an executable segment, inside the page the kernel maps anyway,
    // that no other segment's bytes occupy and that holds only zeros.
    const cave = segments.filter((s) => s.type === PT_LOAD && (s.flags & PF_X) && s.memsz === s.filesz).map((s) => {
      const from = align(s.offset + s.filesz, 16);
      const pageEnd = align(s.offset + s.filesz, PAGE);
      return { segment: s, from, room: pageEnd - from };
    }).find(({ segment, from, room }) => room >= guard.code.length
      && !segments.some((o) => o !== segment && o.filesz > 0 && o.offset < from + guard.code.length && from < o.offset + o.filesz)
      && read(from, guard.code.length).every((b) => b === 0));
    if (!cave) throw new Error(`entry guard: no executable segment has ${guard.code.length} free bytes at its end`);

    const { segment, from } = cave;
    const address = segment.vaddr + (from - segment.offset);
    const code = Buffer.from(guard.code);
    const displacement = entry - (address + guard.jumpOffset + 4);
    code.writeInt32LE(displacement, guard.jumpOffset);
    writeSync(fd, code, 0, code.length, from);
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(from + code.length - segment.offset));
    writeSync(fd, size, 0, 8, segment.at + 32);
    writeSync(fd, size, 0, 8, segment.at + 40);
    const newEntry = Buffer.alloc(8);
    newEntry.writeBigUInt64LE(BigInt(address));
    writeSync(fd, newEntry, 0, 8, 24);
    return address;
  } finally {
    closeSync(fd);
  }
}

function align(n, to) {
  return Math.ceil(n / to) * to;
}

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    throw new Error(`entry guard: ${cmd} failed: ${`${err.stdout ?? ''}${err.stderr ?? ''}`.trim()}`, { cause: err });
  }
}
