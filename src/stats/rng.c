/* Seeded PRNG: xoshiro256** (Blackman & Vigna 2018) seeded by splitmix64,
 * uniform doubles, unbiased bounded integers, Box-Muller normals and a
 * Fisher-Yates shuffle. State lives in the caller's struct mg_rng. */
#include <mgsleep/stats.h>

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void mg_rng_seed(struct mg_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	/* splitmix64 never yields four zero words in a row, but be explicit. */
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
	r->spare = 0;
	r->has_spare = 0;
}

uint64_t mg_rng_u64(struct mg_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double mg_rng_uniform(struct mg_rng *r)
{
	return (double)(mg_rng_u64(r) >> 11) * 0x1.0p-53;
}

uint64_t mg_rng_below(struct mg_rng *r, uint64_t n)
{
	if (n <= 1)
		return 0;
	/* Lemire's nearly divisionless method with 128-bit products split by
	 * hand (no __int128 under -pedantic). Rejection threshold: 2^64 mod n. */
	uint64_t threshold = (0 - n) % n;
	for (;;) {
		uint64_t x = mg_rng_u64(r);
		/* 64x64 -> 128 multiply: hi:lo = x * n */
		uint64_t xl = x & 0xffffffffULL, xh = x >> 32;
		uint64_t nl = n & 0xffffffffULL, nh = n >> 32;
		uint64_t ll = xl * nl, lh = xl * nh, hl = xh * nl, hh = xh * nh;
		uint64_t mid = (ll >> 32) + (lh & 0xffffffffULL) + (hl & 0xffffffffULL);
		uint64_t lo = (ll & 0xffffffffULL) | (mid << 32);
		uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
		if (lo >= threshold)
			return hi;
	}
}

double mg_rng_normal(struct mg_rng *r)
{
	if (r->has_spare) {
		r->has_spare = 0;
		return r->spare;
	}
	/* Box-Muller; u1 in (0, 1] so that log(u1) is finite. */
	double u1 = 1.0 - mg_rng_uniform(r);
	double u2 = mg_rng_uniform(r);
	double rad = sqrt(-2.0 * log(u1));
	double th = 6.283185307179586476925 * u2;
	r->spare = rad * sin(th);
	r->has_spare = 1;
	return rad * cos(th);
}

void mg_rng_shuffle(struct mg_rng *r, void *base, size_t n, size_t size)
{
	unsigned char *b = base;
	if (n < 2 || size == 0)
		return;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)mg_rng_below(r, (uint64_t)i + 1);
		if (j == i)
			continue;
		unsigned char *p = b + i * size, *q = b + j * size;
		for (size_t k = 0; k < size; k++) {
			unsigned char t = p[k];
			p[k] = q[k];
			q[k] = t;
		}
	}
}
