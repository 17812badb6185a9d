/* A zip reader for exports: the central directory for the list of members,
 * then each member inflated with zlib as a stream into the parser's buffer.
 *
 * Why not libarchive: it links a dozen libraries (ICU, libxml2, libstdc++)
 * into every mgsleep process, which tripled the start-up time of commands
 * that never open an archive; zip with stored or deflated members is all an
 * export needs. ZIP64 is read (Apple exports pass 4 GB). Every member is
 * checked against its CRC-32 and size, so a damaged archive is an error,
 * never silently short data. Format: PKWARE APPNOTE.TXT 6.3, sections 4.3-4.5. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "import_internal.h"

#define CHUNK ((size_t)256 << 10)
#define NAME_MAX_LEN 1024

struct mg_zip {
	int fd;
	const char *name;
	uint64_t file_size;
	uint64_t cd_off, cd_end, cd_pos; /* central directory and the cursor in it */
	uint64_t entries, seen;
	char member[NAME_MAX_LEN + 1];
	/* the current member */
	int method, open;
	uint64_t data_off, csize, usize, cread, uout;
	uint32_t crc_want, crc;
	z_stream zs;
	int zs_init, ended;
	unsigned char *in;
	uint64_t consumed; /* compressed bytes read, all members */
};

static uint16_t u16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t u64(const unsigned char *p)
{
	return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32;
}

static int rd(struct mg_zip *z, void *buf, size_t n, uint64_t off, struct mg_error *err)
{
	size_t got = 0;
	if (off > z->file_size || n > z->file_size - off)
		return mg_fail(err, MG_EPARSE, z->name,
			       "%s: truncated or damaged zip: data expected at bytes %llu to %llu, but the file ends at byte %llu",
			       z->name, (unsigned long long)off, (unsigned long long)off + n,
			       (unsigned long long)z->file_size);
	while (got < n) {
		ssize_t k = pread(z->fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return mg_fail(err, MG_EIO, z->name, "%s: cannot read: %s", z->name, strerror(errno));
		if (k == 0)
			return mg_fail(err, MG_EPARSE, z->name, "%s: truncated zip: ends at byte %llu, data expected up to byte %llu",
				       z->name, (unsigned long long)(off + got), (unsigned long long)(off + n));
		got += (size_t)k;
	}
	return 0;
}

static int damaged(struct mg_zip *z, struct mg_error *err, uint64_t at, const char *what)
{
	return mg_fail(err, MG_EPARSE, z->name, "%s: damaged zip at byte %llu: %s", z->name, (unsigned long long)at, what);
}

/* The end-of-central-directory record is in the last 64 KiB + 22 bytes (its
 * comment is at most 65535 bytes); search backwards for its signature. */
static int find_cd(struct mg_zip *z, struct mg_error *err)
{
	/* 22-byte record + 65535 comment + the 20-byte ZIP64 locator before it */
	size_t tail = z->file_size < 65577 ? (size_t)z->file_size : 65577;
	unsigned char *b = malloc(tail ? tail : 1);
	uint64_t base = z->file_size - tail;
	int r = 0;
	long i;
	if (!b)
		return mg_fail(err, MG_ENOMEM, z->name, "%s: out of memory", z->name);
	if ((r = rd(z, b, tail, base, err)))
		goto out;
	for (i = (long)tail - 22; i >= 0; i--)
		if (u32(b + i) == 0x06054b50 && (size_t)i + 22 + u16(b + i + 20) <= tail)
			break;
	if (i < 0) {
		r = mg_fail(err, MG_EPARSE, z->name,
			    "%s: truncated or not a zip: no central directory in the last %zu bytes (file ends at byte %llu)",
			    z->name, tail, (unsigned long long)z->file_size);
		goto out;
	}
	z->entries = u16(b + i + 10);
	z->cd_off = u32(b + i + 16);
	uint64_t cd_size = u32(b + i + 12);
	/* ZIP64: a locator 20 bytes before points to the ZIP64 end record. */
	if (i >= 20 && u32(b + i - 20) == 0x07064b50) {
		unsigned char e[56];
		uint64_t at = u64(b + i - 20 + 8);
		if ((r = rd(z, e, sizeof e, at, err)))
			goto out;
		if (u32(e) != 0x06064b50) {
			r = damaged(z, err, at, "bad ZIP64 end record");
			goto out;
		}
		z->entries = u64(e + 32);
		cd_size = u64(e + 40);
		z->cd_off = u64(e + 48);
	}
	if (z->cd_off > z->file_size || cd_size > z->file_size - z->cd_off) {
		r = mg_fail(err, MG_EPARSE, z->name,
			    "%s: truncated zip: the central directory lies beyond the end of the file (byte %llu)", z->name,
			    (unsigned long long)z->file_size);
		goto out;
	}
	z->cd_pos = z->cd_off;
	z->cd_end = z->cd_off + cd_size;
out:
	free(b);
	return r;
}

int mg_zip_open(struct mg_zip **out, int fd, const char *name, struct mg_error *err)
{
	struct stat st;
	struct mg_zip *z;
	int r;
	*out = NULL;
	if (fstat(fd, &st))
		return mg_fail(err, MG_EIO, name, "%s: %s", name, strerror(errno));
	if (!(z = calloc(1, sizeof *z)) || !(z->in = malloc(CHUNK))) {
		if (z)
			free(z);
		return mg_fail(err, MG_ENOMEM, name, "%s: out of memory", name);
	}
	z->fd = fd;
	z->name = name;
	z->file_size = (uint64_t)st.st_size;
	if ((r = find_cd(z, err))) {
		mg_zip_close(z);
		return r;
	}
	*out = z;
	return 0;
}

uint64_t mg_zip_count(const struct mg_zip *z)
{
	return z->entries;
}

static void end_member(struct mg_zip *z)
{
	if (z->zs_init)
		inflateEnd(&z->zs);
	z->zs_init = 0;
	z->open = 0;
}

int mg_zip_next(struct mg_zip *z, const char **member, struct mg_error *err)
{
	unsigned char h[46], lh[30];
	int r;
	end_member(z);
	for (;;) {
		uint64_t at = z->cd_pos, lho;
		uint16_t nlen, xlen, clen, flags;
		if (z->seen >= z->entries)
			return 0;
		if (z->cd_pos + 46 > z->cd_end)
			return damaged(z, err, z->cd_pos, "the central directory is shorter than its entry count");
		if ((r = rd(z, h, sizeof h, at, err)))
			return r;
		if (u32(h) != 0x02014b50)
			return damaged(z, err, at, "bad central directory entry");
		flags = u16(h + 8);
		z->method = u16(h + 10);
		z->crc_want = u32(h + 16);
		z->csize = u32(h + 20);
		z->usize = u32(h + 24);
		nlen = u16(h + 28);
		xlen = u16(h + 30);
		clen = u16(h + 32);
		lho = u32(h + 42);
		z->cd_pos = at + 46 + nlen + xlen + clen;
		z->seen++;
		if (nlen > NAME_MAX_LEN || z->cd_pos > z->cd_end)
			return damaged(z, err, at, "central directory entry too long");
		if ((r = rd(z, z->member, nlen, at + 46, err)))
			return r;
		z->member[nlen] = '\0';
		/* ZIP64 extra field: the 64-bit values, in order, for those that are 0xFFFFFFFF. */
		if (xlen) {
			unsigned char x[1024];
			size_t xl = xlen < sizeof x ? xlen : sizeof x, p = 0;
			if ((r = rd(z, x, xl, at + 46 + nlen, err)))
				return r;
			while (p + 4 <= xl) {
				uint16_t id = u16(x + p), sz = u16(x + p + 2);
				size_t q = p + 4, e = p + 4 + sz;
				if (e > xl)
					break;
				if (id == 0x0001) {
					if (z->usize == 0xFFFFFFFF && q + 8 <= e) {
						z->usize = u64(x + q);
						q += 8;
					}
					if (z->csize == 0xFFFFFFFF && q + 8 <= e) {
						z->csize = u64(x + q);
						q += 8;
					}
					if (lho == 0xFFFFFFFF && q + 8 <= e)
						lho = u64(x + q);
				}
				p = e;
			}
		}
		/* Folders, encrypted members and other compression methods are
		 * not exports: pass over them. */
		if (nlen == 0 || z->member[nlen - 1] == '/' || (flags & 1) || (z->method != 0 && z->method != 8))
			continue;
		if ((r = rd(z, lh, sizeof lh, lho, err)))
			return r;
		if (u32(lh) != 0x04034b50)
			return damaged(z, err, lho, "bad local header");
		z->data_off = lho + 30 + u16(lh + 26) + u16(lh + 28);
		if (z->data_off > z->file_size || z->csize > z->file_size - z->data_off)
			return mg_fail(err, MG_EPARSE, z->name, "%s: truncated zip: member '%.200s' runs past the end (byte %llu)",
				       z->name, z->member, (unsigned long long)z->file_size);
		if (z->method == 8) {
			memset(&z->zs, 0, sizeof z->zs);
			if (inflateInit2(&z->zs, -MAX_WBITS) != Z_OK)
				return mg_fail(err, MG_ENOMEM, z->name, "%s: out of memory", z->name);
			z->zs_init = 1;
		}
		z->cread = z->uout = 0;
		z->ended = 0;
		z->crc = (uint32_t)crc32(0L, Z_NULL, 0);
		z->open = 1;
		*member = z->member;
		return 1;
	}
}

static ssize_t finish(struct mg_zip *z, struct mg_error *err)
{
	if (z->uout != z->usize || z->crc != z->crc_want)
		return mg_fail(err, MG_EPARSE, z->name,
			       "%s: damaged zip: member '%.200s' fails its %s check", z->name, z->member,
			       z->uout != z->usize ? "size" : "CRC-32");
	z->open = 0;
	return 0;
}

ssize_t mg_zip_read(struct mg_zip *z, char *buf, size_t cap, struct mg_error *err)
{
	if (!z->open || cap == 0)
		return 0;
	if (z->method == 0) {
		uint64_t left = z->csize - z->cread;
		size_t n = left < cap ? (size_t)left : cap;
		int r;
		if (n == 0)
			return finish(z, err);
		if ((r = rd(z, buf, n, z->data_off + z->cread, err)))
			return r;
		z->cread += n;
		z->consumed += n;
		z->uout += n;
		z->crc = (uint32_t)crc32(z->crc, (const Bytef *)buf, (uInt)n);
		return (ssize_t)n;
	}
	if (z->ended)
		return finish(z, err);
	if (cap > UINT32_MAX)
		cap = UINT32_MAX;
	z->zs.next_out = (Bytef *)buf;
	z->zs.avail_out = (uInt)cap;
	for (;;) {
		int zr;
		size_t n;
		if (z->zs.avail_in == 0 && z->cread < z->csize) {
			uint64_t left = z->csize - z->cread;
			size_t k = left < CHUNK ? (size_t)left : CHUNK;
			int r = rd(z, z->in, k, z->data_off + z->cread, err);
			if (r)
				return r;
			z->cread += k;
			z->consumed += k;
			z->zs.next_in = z->in;
			z->zs.avail_in = (uInt)k;
		}
		zr = inflate(&z->zs, Z_NO_FLUSH);
		n = cap - z->zs.avail_out;
		if (zr != Z_OK && zr != Z_BUF_ERROR && zr != Z_STREAM_END)
			return mg_fail(err, MG_EPARSE, z->name, "%s: damaged zip: member '%.200s' near byte %llu: %s",
				       z->name, z->member, (unsigned long long)(z->data_off + z->cread),
				       z->zs.msg ? z->zs.msg : "bad deflate data");
		z->uout += n;
		z->crc = (uint32_t)crc32(z->crc, (const Bytef *)buf, (uInt)n);
		if (z->uout > z->usize) /* more than the directory promised: stop now, not at the end */
			return finish(z, err);
		if (zr == Z_STREAM_END) {
			z->ended = 1;
			return n ? (ssize_t)n : finish(z, err);
		}
		if (n)
			return (ssize_t)n;
		if (z->zs.avail_in == 0 && z->cread >= z->csize)
			return mg_fail(err, MG_EPARSE, z->name,
				       "%s: truncated zip: member '%.200s' ends early, at byte %llu", z->name, z->member,
				       (unsigned long long)(z->data_off + z->cread));
	}
}

uint64_t mg_zip_consumed(const struct mg_zip *z)
{
	return z->consumed;
}

void mg_zip_close(struct mg_zip *z)
{
	if (!z)
		return;
	end_member(z);
	free(z->in);
	free(z);
}
