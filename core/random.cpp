#include "core/random.hpp"

namespace pixforge {
namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
}  // namespace

Rng::Rng(std::uint64_t seed, std::string_view purpose) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a of the purpose, mixed with the seed
    for (char c : purpose) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    std::uint64_t x = seed ^ h;
    for (auto& word : s_) word = splitmix64(x);
}

double Rng::normal() {
    if (has_cached_) {
        has_cached_ = false;
        return cached_;
    }
    double u, v, s;
    do {
        u = 2.0 * uniform() - 1.0;
        v = 2.0 * uniform() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    cached_ = v * f;
    has_cached_ = true;
    return u * f;
}

}  // namespace pixforge
