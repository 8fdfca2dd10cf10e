#include "rtl_gen/synthesis/netlist.hpp"

#include <cctype>
#include <fstream>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge::rtl {

namespace {

struct Token {
    std::string text;
    int line;
};

std::vector<Token> tokenize(const std::string& s) {
    std::vector<Token> out;
    int line = 1;
    for (size_t i = 0; i < s.size();) {
        const char c = s[i];
        if (c == '\n') {
            ++line, ++i;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
            const size_t end = s.find("*/", i + 2);
            for (size_t k = i; k < std::min(end, s.size()); ++k) line += s[k] == '\n';
            i = end == std::string::npos ? s.size() : end + 2;
        } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
            while (i < s.size() && s[i] != '\n') ++i;
        } else if (c == '\\') {  // escaped identifier: up to white space
            size_t j = i + 1;
            while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
            out.push_back({s.substr(i + 1, j - i - 1), line});
            i = j;
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '\'') {
            size_t j = i;
            while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' ||
                                    s[j] == '$' || s[j] == '\''))
                ++j;
            out.push_back({s.substr(i, j - i), line});
            i = j;
        } else {
            out.push_back({std::string(1, c), line});
            ++i;
        }
    }
    return out;
}

class NetlistReader {
  public:
    NetlistReader(std::vector<Token> tokens, std::string file)
        : t_(std::move(tokens)), file_(std::move(file)) {
        parent_ = {0, 1};
        net_names_ = {"1'b0", "1'b1"};
    }

    Netlist read() {
        expect("module");
        nl_.module = next();
        expect("(");
        std::vector<std::string> order;
        while (peek() != ")") {
            order.push_back(next());
            if (peek() == ",") ++i_;
        }
        expect(")");
        expect(";");
        while (peek() != "endmodule") {
            const std::string word = next();
            if (word == "input" || word == "output" || word == "inout" || word == "wire" || word == "reg") {
                declaration(word);
            } else if (word == "assign") {
                const auto lhs = expression();
                expect("=");
                const auto rhs = expression();
                expect(";");
                if (lhs.size() != rhs.size())
                    fail(fmt::format("assign of {} bits from {} bits", lhs.size(), rhs.size()));
                for (size_t b = 0; b < lhs.size(); ++b) merge(lhs[b], rhs[b]);
            } else {
                instance(word);
            }
        }
        return finish(order);
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        const int line = i_ < t_.size() ? t_[i_].line : (t_.empty() ? 0 : t_.back().line);
        throw PixError("NET-101", fmt::format("{}:{}: gate-level netlist: {} (expected Yosys write_verilog "
                                              "-noattr -noexpr -simple-lhs output of a flat design)",
                                              file_, line, what));
    }
    const std::string& peek() const {
        static const std::string eof = "<end of file>";
        return i_ < t_.size() ? t_[i_].text : eof;
    }
    std::string next() {
        if (i_ >= t_.size()) fail("unexpected end of file");
        return t_[i_++].text;
    }
    void expect(const std::string& s) {
        if (peek() != s) fail(fmt::format("expected '{}', found '{}'", s, peek()));
        ++i_;
    }
    int integer() {
        const std::string s = next();
        char* end = nullptr;
        const long v = std::strtol(s.c_str(), &end, 10);
        if (*end) fail(fmt::format("'{}' is not an integer", s));
        return static_cast<int>(v);
    }

    std::uint32_t new_net(const std::string& name) {
        parent_.push_back(static_cast<std::uint32_t>(parent_.size()));
        net_names_.push_back(name);
        return parent_.back();
    }
    std::uint32_t find(std::uint32_t a) {
        while (parent_[a] != a) a = parent_[a] = parent_[parent_[a]];
        return a;
    }
    void merge(std::uint32_t a, std::uint32_t b) {
        a = find(a), b = find(b);
        if (a == b) return;
        if (a < 2 && b < 2) fail("an assign ties constant 0 to constant 1");
        if (a < b) std::swap(a, b);  // constants and earlier names stay the representative
        parent_[a] = b;
    }

    struct Signal {
        int msb = 0, lsb = 0;
        bool vector = false;
        std::vector<std::uint32_t> bits;  // index (b - min(msb, lsb))
    };

    void declaration(const std::string& kind) {
        int msb = 0, lsb = 0;
        bool vec = false;
        if (peek() == "[") {
            ++i_;
            msb = integer();
            expect(":");
            lsb = integer();
            expect("]");
            vec = true;
        }
        while (true) {
            const std::string name = next();
            Signal& s = signals_[name];
            if (s.bits.empty()) {
                s.msb = msb, s.lsb = lsb, s.vector = vec;
                const int lo = std::min(msb, lsb), hi = std::max(msb, lsb);
                for (int b = lo; b <= hi; ++b)
                    s.bits.push_back(new_net(vec ? fmt::format("{}[{}]", name, b) : name));
            }
            if (kind == "input" || kind == "output" || kind == "inout") directions_[name] = kind;
            if (peek() != ",") break;
            ++i_;
        }
        expect(";");
    }

    std::uint32_t bit(const std::string& name, int b) {
        auto it = signals_.find(name);
        if (it == signals_.end()) fail(fmt::format("'{}' is used but not declared", name));
        const Signal& s = it->second;
        const int lo = std::min(s.msb, s.lsb), hi = std::max(s.msb, s.lsb);
        if (b < lo || b > hi) fail(fmt::format("bit {} of '{}' is outside [{}:{}]", b, name, s.msb, s.lsb));
        return s.bits[static_cast<size_t>(b - lo)];
    }

    // Bits of an expression, bit 0 first.
    std::vector<std::uint32_t> expression() {
        std::vector<std::uint32_t> out;
        if (peek() == "{") {
            ++i_;
            std::vector<std::vector<std::uint32_t>> parts;
            while (true) {
                parts.push_back(expression());
                if (peek() != ",") break;
                ++i_;
            }
            expect("}");
            for (auto p = parts.rbegin(); p != parts.rend(); ++p) out.insert(out.end(), p->begin(), p->end());
            return out;
        }
        const std::string word = next();
        if (const size_t q = word.find('\''); q != std::string::npos) {  // sized constant, e.g. 8'h0f
            const int width = std::atoi(word.substr(0, q).c_str());
            const char base = static_cast<char>(
                std::tolower(static_cast<unsigned char>(q + 1 < word.size() ? word[q + 1] : 'x')));
            std::string digits = word.substr(q + 2);
            // Yosys writes don't-care bits (undriven or unused) as x: they simulate as 0. Should a
            // don't-care ever reach an output, the check against the RTL reports it.
            for (char& c : digits)
                if (c == 'x' || c == 'X' || c == 'z' || c == 'Z' || c == '?') c = '0';
            const int radix = base == 'h' ? 16 : base == 'b' ? 2 : base == 'd' ? 10 : base == 'o' ? 8 : 0;
            if (radix == 0 || width <= 0 || digits.empty() || (radix == 10 && width > 64))
                fail(fmt::format("constant '{}' is not a sized value", word));
            if (radix == 10) {
                const unsigned long long v = std::stoull(digits, nullptr, 10);
                for (int b = 0; b < width; ++b)
                    out.push_back(((v >> b) & 1u) ? Netlist::kConst1 : Netlist::kConst0);
                return out;
            }
            // Binary, octal, hex: digit by digit from the least significant, so any width (Yosys
            // writes wide don't-care constants such as 144'hxxx...).
            const int per_digit = radix == 16 ? 4 : radix == 8 ? 3 : 1;
            for (auto d = digits.rbegin(); d != digits.rend() && static_cast<int>(out.size()) < width; ++d) {
                const int v = std::isdigit(static_cast<unsigned char>(*d))
                                  ? *d - '0'
                                  : std::tolower(static_cast<unsigned char>(*d)) - 'a' + 10;
                if (v < 0 || v >= radix) fail(fmt::format("constant '{}' is not a sized value", word));
                for (int b = 0; b < per_digit && static_cast<int>(out.size()) < width; ++b)
                    out.push_back(((v >> b) & 1) ? Netlist::kConst1 : Netlist::kConst0);
            }
            while (static_cast<int>(out.size()) < width) out.push_back(Netlist::kConst0);
            return out;
        }
        auto it = signals_.find(word);
        if (it == signals_.end()) fail(fmt::format("'{}' is used but not declared", word));
        if (peek() == "[") {
            ++i_;
            const int msb = integer();
            int lsb = msb;
            if (peek() == ":") {
                ++i_;
                lsb = integer();
            }
            expect("]");
            const int step = lsb <= msb ? 1 : -1;
            for (int b = lsb;; b += step) {
                out.push_back(bit(word, b));
                if (b == msb) break;
            }
            return out;
        }
        const Signal& s = it->second;  // the whole signal, in declared bit order
        const int step = s.lsb <= s.msb ? 1 : -1;
        for (int b = s.lsb;; b += step) {
            out.push_back(bit(word, b));
            if (b == s.msb) break;
        }
        return out;
    }

    void instance(const std::string& type) {
        NetlistCell c;
        c.type = type;
        c.instance = next();
        expect("(");
        while (peek() != ")") {
            expect(".");
            const std::string pin = next();
            expect("(");
            if (peek() != ")") {
                const auto bits = expression();
                if (bits.size() != 1)
                    fail(fmt::format("pin {} of {} connects {} bits", pin, c.instance, bits.size()));
                c.pins.emplace_back(pin, bits.front());
            }
            expect(")");
            if (peek() == ",") ++i_;
        }
        expect(")");
        expect(";");
        nl_.cells.push_back(std::move(c));
    }

    Netlist finish(const std::vector<std::string>& order) {
        // Compact the merged nets: representative -> dense id, constants stay 0 and 1.
        std::vector<std::uint32_t> id(parent_.size(), UINT32_MAX);
        for (std::uint32_t n = 0; n < parent_.size(); ++n) {
            const std::uint32_t r = find(n);
            if (id[r] == UINT32_MAX) {
                id[r] = static_cast<std::uint32_t>(nl_.net_names.size());
                nl_.net_names.push_back(net_names_[r]);
            }
            id[n] = id[r];
        }
        for (auto& c : nl_.cells)
            for (auto& [pin, net] : c.pins) net = id[net];
        for (const auto& [name, signal] : signals_) {
            const int lo = std::min(signal.msb, signal.lsb);
            for (size_t b = 0; b < signal.bits.size(); ++b)
                nl_.names[signal.vector ? fmt::format("{}[{}]", name, lo + static_cast<int>(b)) : name] =
                    id[signal.bits[b]];
        }
        for (const auto& name : order) {
            auto d = directions_.find(name);
            if (d == directions_.end()) fail(fmt::format("port '{}' has no input/output declaration", name));
            NetlistPort p;
            p.name = name;
            p.input = d->second == "input";
            for (std::uint32_t b : signals_.at(name).bits) p.bits.push_back(id[b]);
            nl_.ports.push_back(std::move(p));
        }
        return std::move(nl_);
    }

    std::vector<Token> t_;
    std::string file_;
    size_t i_ = 0;
    Netlist nl_;
    std::vector<std::uint32_t> parent_;
    std::vector<std::string> net_names_;
    std::unordered_map<std::string, Signal> signals_;
    std::unordered_map<std::string, std::string> directions_;
};

}  // namespace

const NetlistPort& Netlist::port(const std::string& name) const {
    for (const auto& p : ports)
        if (p.name == name) return p;
    throw PixError("NET-102", fmt::format("the gate-level netlist of {} has no port '{}'", module, name));
}

Netlist read_netlist(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw PixError("NET-101", path.string() + ": cannot read the gate-level netlist");
    std::stringstream s;
    s << in.rdbuf();
    return NetlistReader(tokenize(s.str()), path.string()).read();
}

}  // namespace pixforge::rtl
