#include "optimizer/sobol.hpp"

#include <stdexcept>

#include "core/random.hpp"

namespace pixforge::optimizer {
namespace {

// Joe & Kuo (2008), new-joe-kuo-6.21201, dimensions 2..32: degree s, polynomial a, initial m_1..m_s.
struct Primitive {
    int s, a;
    std::uint32_t m[8];
};
constexpr Primitive kTable[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
};
constexpr int kBits = 32;

}  // namespace

SobolSequence::SobolSequence(int dimensions, std::uint64_t seed) : dimensions_(dimensions) {
    if (dimensions < 1 || dimensions > kMaxDimensions)
        throw std::invalid_argument("Sobol sequence supports 1 to 32 dimensions");
    directions_.assign(static_cast<size_t>(dimensions), std::vector<std::uint32_t>(kBits));
    for (int b = 0; b < kBits; ++b)
        directions_[0][static_cast<size_t>(b)] = 1u << (31 - b);  // van der Corput
    for (int d = 1; d < dimensions; ++d) {
        const Primitive& p = kTable[d - 1];
        auto& v = directions_[static_cast<size_t>(d)];
        for (int b = 0; b < kBits; ++b) {
            if (b < p.s) {
                v[static_cast<size_t>(b)] = p.m[b] << (31 - b);
            } else {
                std::uint32_t x = v[static_cast<size_t>(b - p.s)] ^ (v[static_cast<size_t>(b - p.s)] >> p.s);
                for (int k = 1; k < p.s; ++k)
                    if ((p.a >> (p.s - 1 - k)) & 1) x ^= v[static_cast<size_t>(b - k)];
                v[static_cast<size_t>(b)] = x;
            }
        }
    }
    state_.assign(static_cast<size_t>(dimensions), 0u);
    shift_.assign(static_cast<size_t>(dimensions), 0u);
    if (seed != 0) {
        Rng rng(seed, "sobol.shift");
        for (auto& s : shift_) s = static_cast<std::uint32_t>(rng.next() >> 32);
    }
}

std::vector<double> SobolSequence::next() {
    std::vector<double> out(static_cast<size_t>(dimensions_));
    if (index_ > 0) {
        // Gray-code update: flip the direction of the lowest zero bit of index - 1.
        int c = 0;
        for (std::uint64_t i = index_ - 1; i & 1; i >>= 1) ++c;
        for (size_t d = 0; d < state_.size(); ++d) state_[d] ^= directions_[d][static_cast<size_t>(c)];
    }
    ++index_;
    for (size_t d = 0; d < state_.size(); ++d)
        out[d] = static_cast<double>(state_[d] ^ shift_[d]) * 0x1.0p-32;
    return out;
}

}  // namespace pixforge::optimizer
