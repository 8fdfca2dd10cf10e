#include "rtl_gen/synthesis/liberty.hpp"

#include <unistd.h>
#include <zlib.h>

#include <fstream>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/content_hash.hpp"
#include "core/error.hpp"

namespace pixforge::rtl {

namespace fs = std::filesystem;

namespace {

// ---- a generic Liberty syntax tree ------------------------------------------------------------

struct Group {
    std::string type;
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> simple;                // name : value
    std::vector<std::pair<std::string, std::vector<std::string>>> complex;  // name (a, b)
    std::vector<Group> groups;
    int line = 0;

    const std::string* attr(const std::string& n) const {
        for (const auto& [k, v] : simple)
            if (k == n) return &v;
        return nullptr;
    }
    const std::vector<std::string>* complex_attr(const std::string& n) const {
        for (const auto& [k, v] : complex)
            if (k == n) return &v;
        return nullptr;
    }
};

class Parser {
  public:
    Parser(std::string text, std::string file) : text_(std::move(text)), file_(std::move(file)) {}

    Group parse_library() {
        Group root;
        skip_space();
        parse_statement(root);
        if (root.groups.empty() || root.groups.front().type != "library")
            fail("the file does not start with a library group");
        return std::move(root.groups.front());
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        throw PixError("LIB-002", fmt::format("{}:{}: Liberty syntax: {}", file_, line_, what));
    }

    void skip_space() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '\n') {
                ++line_, ++pos_;
            } else if (std::isspace(static_cast<unsigned char>(c)) || (c == '\\' && next_is_newline())) {
                ++pos_;
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
                const size_t end = text_.find("*/", pos_ + 2);
                if (end == std::string::npos) fail("unterminated comment");
                line_ += static_cast<int>(std::count(text_.begin() + static_cast<long>(pos_),
                                                     text_.begin() + static_cast<long>(end), '\n'));
                pos_ = end + 2;
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
                while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
            } else {
                return;
            }
        }
    }
    bool next_is_newline() const {
        size_t p = pos_ + 1;
        while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r')) ++p;
        return p < text_.size() && text_[p] == '\n';
    }
    static bool word_char(char c) {
        return !std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')' && c != '{' && c != '}' &&
               c != ':' && c != ';' && c != ',' && c != '"';
    }
    char peek() {
        skip_space();
        return pos_ < text_.size() ? text_[pos_] : '\0';
    }
    void expect(char c) {
        if (peek() != c) fail(fmt::format("expected '{}'", c));
        ++pos_;
    }
    // A word or a quoted string (quotes removed, backslash-newline continuations dropped).
    std::string token() {
        skip_space();
        if (pos_ >= text_.size()) fail("unexpected end of file");
        if (text_[pos_] == '"') {
            std::string s;
            for (++pos_; pos_ < text_.size() && text_[pos_] != '"'; ++pos_) {
                if (text_[pos_] == '\\' && pos_ + 1 < text_.size() &&
                    (text_[pos_ + 1] == '\n' || text_[pos_ + 1] == '\r'))
                    continue;
                if (text_[pos_] == '\n')
                    ++line_;
                else
                    s += text_[pos_];
            }
            if (pos_ >= text_.size()) fail("unterminated string");
            ++pos_;
            return s;
        }
        const size_t start = pos_;
        while (pos_ < text_.size() && word_char(text_[pos_])) ++pos_;
        if (start == pos_) fail(fmt::format("unexpected '{}'", text_[pos_]));
        return text_.substr(start, pos_ - start);
    }

    void parse_statement(Group& parent) {
        const int line = line_;
        const std::string name = token();
        const char c = peek();
        if (c == ':') {
            ++pos_;
            std::string value = token();
            // Some libraries write expressions unquoted: keep words up to the ';' or line end.
            while (true) {
                skip_space_same_line();
                if (pos_ >= text_.size() || text_[pos_] == ';' || text_[pos_] == '\n' || text_[pos_] == '}')
                    break;
                value += " " + token();
            }
            if (peek() == ';') ++pos_;
            parent.simple.emplace_back(name, std::move(value));
        } else if (c == '(') {
            ++pos_;
            std::vector<std::string> args;
            while (peek() != ')') {
                args.push_back(token());
                if (peek() == ',') ++pos_;
            }
            ++pos_;
            if (peek() == '{') {
                ++pos_;
                Group g;
                g.type = name, g.args = std::move(args), g.line = line;
                while (peek() != '}') {
                    if (pos_ >= text_.size())
                        fail(fmt::format("group '{}' opened at line {} is not closed", name, line));
                    parse_statement(g);
                }
                ++pos_;
                parent.groups.push_back(std::move(g));
            } else {
                if (peek() == ';') ++pos_;
                parent.complex.emplace_back(name, std::move(args));
            }
        } else {
            fail(fmt::format("expected ':' or '(' after '{}'", name));
        }
    }
    void skip_space_same_line() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r'))
            ++pos_;
    }

    std::string text_, file_;
    size_t pos_ = 0;
    int line_ = 1;
};

std::string read_possibly_gzipped(const fs::path& path) {
    gzFile f = gzopen(path.c_str(), "rb");  // reads plain files transparently too
    if (!f)
        throw PixError("LIB-001",
                       fmt::format("{}: cannot open the liberty file (expected a readable .lib or .lib.gz)",
                                   path.string()));
    std::string text;
    char buffer[1 << 16];
    int n = 0;
    while ((n = gzread(f, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
    const bool error = n < 0;
    gzclose(f);
    if (error) throw PixError("LIB-001", path.string() + ": the liberty file is damaged (gzip read error)");
    return text;
}

// ---- from the tree to the model ---------------------------------------------------------------

double number(const std::string& s, const std::string& file, int line, const std::string& what) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str())
        throw PixError("LIB-002", fmt::format("{}:{}: {} '{}' is not a number", file, line, what, s));
    return v;
}

std::vector<double> number_list(const std::vector<std::string>& items, const std::string& file, int line) {
    std::vector<double> out;
    for (const auto& item : items) {
        std::string s = item;
        std::replace(s.begin(), s.end(), ',', ' ');
        const char* p = s.c_str();
        char* end = nullptr;
        for (double v = std::strtod(p, &end); end != p; v = std::strtod(p, &end)) {
            out.push_back(v);
            p = end;
        }
        while (*p == ' ' || *p == '\t') ++p;
        if (*p)
            throw PixError("LIB-002", fmt::format("{}:{}: '{}' is not a list of numbers", file, line, item));
    }
    return out;
}

// "1ns" -> 1e-9 with the unit's SI base ("s", "W", ...).
double unit_scale(const std::string& text, const std::string& base, const std::string& file) {
    const size_t end = text.find_first_not_of("0123456789.eE+-");
    const double mult = end == 0 ? 1.0 : std::strtod(text.substr(0, end).c_str(), nullptr);
    const std::string u = text.substr(end == std::string::npos ? text.size() : end);
    static const std::vector<std::pair<std::string, double>> prefixes{
        {"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9}, {"u", 1e-6}, {"m", 1e-3}, {"", 1}, {"k", 1e3}};
    for (const auto& [p, s] : prefixes)
        if (u == p + base) return mult * s;
    throw PixError("LIB-003",
                   fmt::format("{}: unit '{}' is not understood (expected e.g. 1n{})", file, text, base));
}

struct TemplateAxes {
    std::string variable_1, variable_2;
    std::vector<double> index_1, index_2;
};

bool is_slew(const std::string& v) {
    return v.find("transition") != std::string::npos;
}

PowerTable power_table(const Group& g, const std::map<std::string, TemplateAxes>& templates,
                       const std::string& file) {
    TemplateAxes axes;
    if (!g.args.empty()) {
        if (auto it = templates.find(g.args.front()); it != templates.end()) axes = it->second;
    }
    if (auto* i1 = g.complex_attr("index_1")) axes.index_1 = number_list(*i1, file, g.line);
    if (auto* i2 = g.complex_attr("index_2")) axes.index_2 = number_list(*i2, file, g.line);
    PowerTable t;
    const auto* values = g.complex_attr("values");
    if (!values) throw PixError("LIB-003", fmt::format("{}:{}: power table without values", file, g.line));
    t.values = number_list(*values, file, g.line);
    // Store as [load][slew] whatever order the template uses; an axis that is neither is ignored.
    const bool slew_first = is_slew(axes.variable_1);
    if (axes.index_2.empty()) {
        (slew_first ? t.slew_index : t.load_index) = axes.index_1;
    } else if (!slew_first) {
        t.load_index = axes.index_1, t.slew_index = axes.index_2;
    } else {
        t.slew_index = axes.index_1, t.load_index = axes.index_2;
        std::vector<double> v(t.values.size());
        const size_t rows = axes.index_1.size(), cols = axes.index_2.size();
        for (size_t r = 0; r < rows && r * cols + cols <= t.values.size(); ++r)
            for (size_t c = 0; c < cols; ++c) v[c * rows + r] = t.values[r * cols + c];
        t.values = std::move(v);
    }
    const size_t expected =
        std::max<size_t>(1, t.load_index.size()) * std::max<size_t>(1, t.slew_index.size());
    if (t.values.size() != expected && !(t.values.size() == 1))
        throw PixError("LIB-003",
                       fmt::format("{}:{}: power table has {} values for a {} x {} index", file, g.line,
                                   t.values.size(), t.load_index.size(), t.slew_index.size()));
    if (t.values.size() == 1) t.load_index.clear(), t.slew_index.clear();
    return t;
}

LibertyPin read_pin(const Group& g, const std::string& name,
                    const std::map<std::string, TemplateAxes>& templates, const std::string& file) {
    LibertyPin p;
    p.name = name;
    if (auto* d = g.attr("direction")) {
        if (*d == "input")
            p.direction = LibertyPin::Direction::Input;
        else if (*d == "output")
            p.direction = LibertyPin::Direction::Output;
        else if (*d == "inout")
            p.direction = LibertyPin::Direction::Inout;
        else
            p.direction = LibertyPin::Direction::Internal;
    }
    if (auto* c = g.attr("capacitance")) p.capacitance = number(*c, file, g.line, "capacitance");
    if (auto* f = g.attr("function")) p.function = *f;
    if (auto* c = g.attr("clock")) p.clock = *c == "true";
    for (const auto& ip : g.groups) {
        if (ip.type != "internal_power") continue;
        InternalPower power;
        if (auto* r = ip.attr("related_pin")) power.related_pin = *r;
        for (const auto& t : ip.groups) {
            if (t.type == "rise_power") power.rise = power_table(t, templates, file);
            if (t.type == "fall_power") power.fall = power_table(t, templates, file);
            if (t.type == "power") power.rise = power.fall = power_table(t, templates, file);
        }
        p.internal_power.push_back(std::move(power));
    }
    return p;
}

LibertyCell read_cell(const Group& g, const std::map<std::string, TemplateAxes>& templates,
                      const std::string& file) {
    LibertyCell c;
    c.name = g.args.empty() ? "" : g.args.front();
    if (auto* a = g.attr("area")) c.area = number(*a, file, g.line, "area");
    if (auto* l = g.attr("cell_leakage_power")) {
        c.leakage = number(*l, file, g.line, "cell_leakage_power");
    } else {  // mean over the states listed
        double sum = 0;
        int n = 0;
        for (const auto& lp : g.groups)
            if (lp.type == "leakage_power")
                if (auto* v = lp.attr("value")) sum += number(*v, file, lp.line, "leakage value"), ++n;
        c.leakage = n ? sum / n : 0;
    }
    ClockGateCell gate;
    if (auto* k = g.attr("clock_gating_integrated_cell")) gate.kind = *k;
    for (const auto& sub : g.groups) {
        if (sub.type == "pin") {
            for (const auto& name : sub.args) c.pins.push_back(read_pin(sub, name, templates, file));
            auto flag = [&](const char* key) {
                const std::string* v = sub.attr(key);
                return v && *v == "true" && !sub.args.empty();
            };
            if (flag("clock_gate_clock_pin")) gate.clock_pin = sub.args.front();
            if (flag("clock_gate_enable_pin")) gate.enable_pin = sub.args.front();
            if (flag("clock_gate_out_pin")) gate.out_pin = sub.args.front();
            if (flag("clock_gate_test_pin")) gate.test_pin = true;
        } else if (sub.type == "ff") {
            FlipFlop ff;
            ff.state = sub.args.size() > 0 ? sub.args[0] : "";
            ff.state_inverted = sub.args.size() > 1 ? sub.args[1] : "";
            if (auto* v = sub.attr("next_state")) ff.next_state = *v;
            if (auto* v = sub.attr("clocked_on")) ff.clocked_on = *v;
            if (auto* v = sub.attr("clear")) ff.clear = *v;
            if (auto* v = sub.attr("preset")) ff.preset = *v;
            c.ff = ff;
        } else if (sub.type == "latch") {
            c.latch = true;
        } else if (sub.type == "statetable") {
            c.statetable = true;
        }
    }
    if (!gate.kind.empty() && !gate.clock_pin.empty() && !gate.enable_pin.empty() && !gate.out_pin.empty())
        c.clock_gate = gate;
    return c;
}

}  // namespace

double PowerTable::lookup(double load, double slew) const {
    if (values.size() == 1) return values.front();
    // Position along one axis: lower index and weight (linear extrapolation beyond the ends).
    auto locate = [](const std::vector<double>& axis, double x, size_t& i, double& w) {
        if (axis.size() < 2) {
            i = 0, w = 0;
            return;
        }
        i = static_cast<size_t>(std::upper_bound(axis.begin(), axis.end(), x) - axis.begin());
        i = std::clamp<size_t>(i, 1, axis.size() - 1) - 1;
        w = (x - axis[i]) / (axis[i + 1] - axis[i]);
    };
    size_t li = 0, si = 0;
    double lw = 0, sw = 0;
    locate(load_index, load, li, lw);
    locate(slew_index, slew, si, sw);
    const size_t cols = std::max<size_t>(1, slew_index.size());
    auto at = [&](size_t l, size_t s) { return values[l * cols + s]; };
    const size_t l1 = load_index.size() > 1 ? li + 1 : li, s1 = slew_index.size() > 1 ? si + 1 : si;
    const double low = at(li, si) * (1 - sw) + at(li, s1) * sw;
    const double high = at(l1, si) * (1 - sw) + at(l1, s1) * sw;
    return low * (1 - lw) + high * lw;
}

double InternalPower::energy(double load, double slew) const {
    const double r = rise ? rise->lookup(load, slew) : 0, f = fall ? fall->lookup(load, slew) : 0;
    return rise && fall ? 0.5 * (r + f) : r + f;
}

const LibertyPin* LibertyCell::pin(const std::string& n) const {
    for (const auto& p : pins)
        if (p.name == n) return &p;
    return nullptr;
}

const LibertyCell& Liberty::cell(const std::string& n) const {
    auto it = cells.find(n);
    if (it == cells.end())
        throw PixError("LIB-004",
                       fmt::format("{}: the netlist uses cell '{}', which the library does not define",
                                   path.string(), n));
    return it->second;
}

Liberty read_liberty(const fs::path& path) {
    const std::string text = read_possibly_gzipped(path);
    const std::string file = path.string();
    Liberty lib;
    lib.path = path;
    lib.hash = ContentHash().add(text).hex();
    const Group root = Parser(text, file).parse_library();
    lib.name = root.args.empty() ? "" : root.args.front();
    if (auto* t = root.attr("time_unit")) lib.time_unit_s = unit_scale(*t, "s", file);
    if (auto* v = root.attr("voltage_unit")) lib.voltage_unit_V = unit_scale(*v, "V", file);
    if (auto* l = root.attr("leakage_power_unit")) lib.leakage_unit_W = unit_scale(*l, "W", file);
    if (auto* c = root.complex_attr("capacitive_load_unit"); c && c->size() == 2) {
        std::string u = (*c)[1];
        std::transform(u.begin(), u.end(), u.begin(), [](unsigned char ch) { return std::tolower(ch); });
        lib.capacitance_unit_F =
            number((*c)[0], file, root.line, "capacitive_load_unit") * unit_scale(u, "f", file);
    } else {
        throw PixError("LIB-003", file + ": the library has no capacitive_load_unit (needed for power)");
    }
    if (auto* v = root.attr("nom_voltage"))
        lib.nominal_voltage_V = number(*v, file, root.line, "nom_voltage");
    std::map<std::string, TemplateAxes> templates;
    for (const auto& g : root.groups) {
        if (g.type == "operating_conditions" && lib.nominal_voltage_V == 0)
            if (auto* v = g.attr("voltage")) lib.nominal_voltage_V = number(*v, file, g.line, "voltage");
        if ((g.type == "lu_table_template" || g.type == "power_lut_template") && !g.args.empty()) {
            TemplateAxes a;
            if (auto* v = g.attr("variable_1")) a.variable_1 = *v;
            if (auto* v = g.attr("variable_2")) a.variable_2 = *v;
            if (auto* i = g.complex_attr("index_1")) a.index_1 = number_list(*i, file, g.line);
            if (auto* i = g.complex_attr("index_2")) a.index_2 = number_list(*i, file, g.line);
            templates[g.args.front()] = a;
        }
    }
    for (const auto& g : root.groups)
        if (g.type == "cell") {
            LibertyCell c = read_cell(g, templates, file);
            lib.cells[c.name] = std::move(c);
        }
    if (lib.cells.empty()) throw PixError("LIB-003", file + ": the library defines no cells");
    if (lib.nominal_voltage_V <= 0)
        throw PixError("LIB-003",
                       file + ": the library gives no nom_voltage or operating voltage (needed for power)");
    return lib;
}

fs::path plain_liberty(const Liberty& lib, const fs::path& cache_dir) {
    if (lib.path.extension() != ".gz") return lib.path;
    const fs::path plain = cache_dir / "liberty" / (lib.hash + "-" + lib.path.stem().string());
    ensure_cached_file(plain, [&](const fs::path& temp) {
        std::ofstream out(temp, std::ios::binary);
        out << read_possibly_gzipped(lib.path);
        if (!out)
            throw PixError("LIB-001", fmt::format("cannot write the decompressed liberty {}", temp.string()));
    });
    return plain;
}

fs::path named_liberty(const std::string& name) {
    if (name.empty() || name == "sky130hd") {
        const fs::path sky = fs::path(PIXFORGE_PDK_DIR) / "sky130hd_tt.lib.gz";
        if (fs::exists(sky)) return sky;
        throw PixError("LIB-001", fmt::format("{} is missing: pixforge ships it in its source tree (pdk/); "
                                              "rebuild from a complete checkout, or set synthesis.liberty to "
                                              "a .lib or .lib.gz file",
                                              sky.string()));
    }
    if (name == "osu018") {
        const fs::path osu = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";
        if (fs::exists(osu)) return osu;
        throw PixError("LIB-001",
                       fmt::format("{} is missing: install it with 'apt-get install qflow-tech-osu018', "
                                   "or set synthesis.liberty to a .lib or .lib.gz file",
                                   osu.string()));
    }
    return name;
}

}  // namespace pixforge::rtl
