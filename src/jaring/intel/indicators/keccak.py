"""Keccak-256 as Ethereum uses it (original Keccak padding, not FIPS-202 SHA3-256).

``hashlib.sha3_256`` differs in its padding byte, and no Keccak package is a dependency, so
EIP-55 checksums need this small pure-Python sponge. Only mixed-case Ethereum addresses
hit it, so its speed (tens of microseconds for a 40-byte input) is acceptable.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1
_RATE = 136  # bytes, for a 256-bit capacity-512 sponge

_ROUND_CONSTANTS = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip

# Rotation offsets r[x][y] flattened to lane index x + 5y.
_ROTATIONS = (
    0, 1, 62, 28, 27,
    36, 44, 6, 55, 20,
    3, 10, 43, 25, 39,
    41, 45, 15, 21, 8,
    18, 2, 61, 56, 14,
)  # fmt: skip


# The permutation is unrolled over 25 local lanes (generated from the rotation table
# above): indexing lists in loops made it two to three times slower.
def _permute(state: list[int]) -> None:
    (
        a0,
        a1,
        a2,
        a3,
        a4,
        a5,
        a6,
        a7,
        a8,
        a9,
        a10,
        a11,
        a12,
        a13,
        a14,
        a15,
        a16,
        a17,
        a18,
        a19,
        a20,
        a21,
        a22,
        a23,
        a24,
    ) = state
    for rc in _ROUND_CONSTANTS:
        c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
        c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
        c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
        c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
        c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
        d0 = c4 ^ (((c1 << 1) | (c1 >> 63)) & _MASK)
        d1 = c0 ^ (((c2 << 1) | (c2 >> 63)) & _MASK)
        d2 = c1 ^ (((c3 << 1) | (c3 >> 63)) & _MASK)
        d3 = c2 ^ (((c4 << 1) | (c4 >> 63)) & _MASK)
        d4 = c3 ^ (((c0 << 1) | (c0 >> 63)) & _MASK)
        b0 = a0 ^ d0
        t = a1 ^ d1
        b10 = ((t << 1) | (t >> 63)) & _MASK
        t = a2 ^ d2
        b20 = ((t << 62) | (t >> 2)) & _MASK
        t = a3 ^ d3
        b5 = ((t << 28) | (t >> 36)) & _MASK
        t = a4 ^ d4
        b15 = ((t << 27) | (t >> 37)) & _MASK
        t = a5 ^ d0
        b16 = ((t << 36) | (t >> 28)) & _MASK
        t = a6 ^ d1
        b1 = ((t << 44) | (t >> 20)) & _MASK
        t = a7 ^ d2
        b11 = ((t << 6) | (t >> 58)) & _MASK
        t = a8 ^ d3
        b21 = ((t << 55) | (t >> 9)) & _MASK
        t = a9 ^ d4
        b6 = ((t << 20) | (t >> 44)) & _MASK
        t = a10 ^ d0
        b7 = ((t << 3) | (t >> 61)) & _MASK
        t = a11 ^ d1
        b17 = ((t << 10) | (t >> 54)) & _MASK
        t = a12 ^ d2
        b2 = ((t << 43) | (t >> 21)) & _MASK
        t = a13 ^ d3
        b12 = ((t << 25) | (t >> 39)) & _MASK
        t = a14 ^ d4
        b22 = ((t << 39) | (t >> 25)) & _MASK
        t = a15 ^ d0
        b23 = ((t << 41) | (t >> 23)) & _MASK
        t = a16 ^ d1
        b8 = ((t << 45) | (t >> 19)) & _MASK
        t = a17 ^ d2
        b18 = ((t << 15) | (t >> 49)) & _MASK
        t = a18 ^ d3
        b3 = ((t << 21) | (t >> 43)) & _MASK
        t = a19 ^ d4
        b13 = ((t << 8) | (t >> 56)) & _MASK
        t = a20 ^ d0
        b14 = ((t << 18) | (t >> 46)) & _MASK
        t = a21 ^ d1
        b24 = ((t << 2) | (t >> 62)) & _MASK
        t = a22 ^ d2
        b9 = ((t << 61) | (t >> 3)) & _MASK
        t = a23 ^ d3
        b19 = ((t << 56) | (t >> 8)) & _MASK
        t = a24 ^ d4
        b4 = ((t << 14) | (t >> 50)) & _MASK
        a0 = b0 ^ (~b1 & b2)
        a1 = b1 ^ (~b2 & b3)
        a2 = b2 ^ (~b3 & b4)
        a3 = b3 ^ (~b4 & b0)
        a4 = b4 ^ (~b0 & b1)
        a5 = b5 ^ (~b6 & b7)
        a6 = b6 ^ (~b7 & b8)
        a7 = b7 ^ (~b8 & b9)
        a8 = b8 ^ (~b9 & b5)
        a9 = b9 ^ (~b5 & b6)
        a10 = b10 ^ (~b11 & b12)
        a11 = b11 ^ (~b12 & b13)
        a12 = b12 ^ (~b13 & b14)
        a13 = b13 ^ (~b14 & b10)
        a14 = b14 ^ (~b10 & b11)
        a15 = b15 ^ (~b16 & b17)
        a16 = b16 ^ (~b17 & b18)
        a17 = b17 ^ (~b18 & b19)
        a18 = b18 ^ (~b19 & b15)
        a19 = b19 ^ (~b15 & b16)
        a20 = b20 ^ (~b21 & b22)
        a21 = b21 ^ (~b22 & b23)
        a22 = b22 ^ (~b23 & b24)
        a23 = b23 ^ (~b24 & b20)
        a24 = b24 ^ (~b20 & b21)
        a0 ^= rc
    state[:] = [
        a0,
        a1,
        a2,
        a3,
        a4,
        a5,
        a6,
        a7,
        a8,
        a9,
        a10,
        a11,
        a12,
        a13,
        a14,
        a15,
        a16,
        a17,
        a18,
        a19,
        a20,
        a21,
        a22,
        a23,
        a24,
    ]


def keccak256(data: bytes) -> bytes:
    padded = bytearray(data)
    padded.append(0x01)
    padded.extend(b"\x00" * (-len(padded) % _RATE))
    padded[-1] |= 0x80
    state = [0] * 25
    for offset in range(0, len(padded), _RATE):
        block = padded[offset : offset + _RATE]
        for i in range(_RATE // 8):
            state[i] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _permute(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))
