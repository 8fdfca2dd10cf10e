#include "core/h5.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"

namespace pixforge::h5 {

Handle& Handle::operator=(Handle&& o) noexcept {
    if (this != &o) {
        close();
        id_ = o.id_;
        o.id_ = -1;
    }
    return *this;
}

void Handle::close() {
    if (id_ < 0) return;
    switch (H5Iget_type(id_)) {
        case H5I_FILE:
            H5Fclose(id_);
            break;
        case H5I_GROUP:
            H5Gclose(id_);
            break;
        case H5I_DATASET:
            H5Dclose(id_);
            break;
        case H5I_DATASPACE:
            H5Sclose(id_);
            break;
        case H5I_DATATYPE:
            H5Tclose(id_);
            break;
        case H5I_ATTR:
            H5Aclose(id_);
            break;
        case H5I_GENPROP_LST:
            H5Pclose(id_);
            break;
        default:
            break;
    }
    id_ = -1;
}

template <>
hid_t native_type<std::uint8_t>() {
    return H5T_NATIVE_UINT8;
}
template <>
hid_t native_type<std::uint16_t>() {
    return H5T_NATIVE_UINT16;
}
template <>
hid_t native_type<std::int16_t>() {
    return H5T_NATIVE_INT16;
}
template <>
hid_t native_type<std::int32_t>() {
    return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<std::int64_t>() {
    return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<float>() {
    return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<double>() {
    return H5T_NATIVE_DOUBLE;
}

namespace {

hid_t check(hid_t id, const std::string& what) {
    if (id < 0) throw PixError("H5-001", "HDF5 call failed: " + what);
    return id;
}

void check_status(herr_t status, const std::string& what) {
    if (status < 0) throw PixError("H5-001", "HDF5 call failed: " + what);
}

}  // namespace

void silence_library_errors() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Handle create_file(const std::string& path) {
    return Handle(
        check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create file " + path));
}

Handle open_file_readonly(const std::string& path) {
    silence_library_errors();
    if (H5Fis_hdf5(path.c_str()) <= 0)
        throw PixError("DATA-001",
                       fmt::format("{}: not an HDF5 file (missing, unreadable or corrupt)", path));
    // Without file locks: pixforge's files appear whole by an atomic rename, so a reader needs no
    // lock, and trials that open one dataset from several threads were refused now and then (a
    // study over the ADC, session 24).
    const Handle access(check(H5Pcreate(H5P_FILE_ACCESS), "file access properties"));
    check_status(H5Pset_file_locking(access.id(), false, true), "file locking off for " + path);
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.id());
    if (id < 0)
        throw PixError("DATA-001", fmt::format("{}: the HDF5 file cannot be opened (truncated?)", path));
    return Handle(id);
}

Handle create_group(hid_t parent, const std::string& name) {
    return Handle(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        "create group " + name));
}

bool exists(hid_t parent, const std::string& path) {
    // Check each component so a missing intermediate group is not an error.
    std::string prefix;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t slash = path.find('/', start);
        prefix = path.substr(0, slash);
        if (!prefix.empty() && H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return true;
}

Handle open_group(hid_t parent, const std::string& name) {
    if (!exists(parent, name)) return Handle();
    return Handle(H5Gopen2(parent, name.c_str(), H5P_DEFAULT));
}

namespace {

void write_attribute_raw(hid_t obj, const std::string& name, hid_t type, const void* data) {
    if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
    Handle space(check(H5Screate(H5S_SCALAR), "scalar space"));
    Handle attr(check(H5Acreate2(obj, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                      "attribute " + name));
    check_status(H5Awrite(attr.id(), type, data), "write attribute " + name);
}

Handle string_type(std::size_t size) {
    Handle t(check(H5Tcopy(H5T_C_S1), "string type"));
    H5Tset_size(t.id(), size == 0 ? H5T_VARIABLE : size);
    H5Tset_cset(t.id(), H5T_CSET_UTF8);
    return t;
}

}  // namespace

void write_attribute(hid_t obj, const std::string& name, const std::string& value) {
    // Variable-length UTF-8: h5py reads it as str (fixed-length strings come back as bytes).
    Handle type = string_type(0);
    const char* data = value.c_str();
    write_attribute_raw(obj, name, type.id(), &data);
}

void write_attribute(hid_t obj, const std::string& name, double value) {
    write_attribute_raw(obj, name, H5T_NATIVE_DOUBLE, &value);
}

void write_attribute(hid_t obj, const std::string& name, std::int64_t value) {
    write_attribute_raw(obj, name, H5T_NATIVE_INT64, &value);
}

std::string describe(hid_t obj, const std::string& name) {
    std::string file(1024, '\0');
    const ssize_t n = H5Fget_name(obj, file.data(), file.size());
    file.resize(n > 0 ? std::min<std::size_t>(static_cast<std::size_t>(n), file.size() - 1) : 0);
    std::string object(1024, '\0');
    const ssize_t m = H5Iget_name(obj, object.data(), object.size());
    object.resize(m > 0 ? std::min<std::size_t>(static_cast<std::size_t>(m), object.size() - 1) : 0);
    std::string path = object.empty() || object == "/" ? name : object.substr(1) + "/" + name;
    return fmt::format("{}: '{}'", file.empty() ? "<HDF5 file>" : file, path);
}

namespace {

// Opens an existing attribute that must hold exactly one value of class `expected`.
Handle open_scalar_attribute(hid_t obj, const std::string& name, H5T_class_t expected, bool numeric,
                             const char* what) {
    Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
    if (!attr.valid())
        throw PixError("DATA-015", fmt::format("{} (attribute) cannot be read (truncated or damaged file)",
                                               describe(obj, name)));
    Handle space(H5Aget_space(attr.id()));
    Handle type(H5Aget_type(attr.id()));
    const hssize_t points = space.valid() ? H5Sget_simple_extent_npoints(space.id()) : -1;
    const H5T_class_t cls = type.valid() ? H5Tget_class(type.id()) : H5T_NO_CLASS;
    const bool class_ok = cls == expected || (numeric && expected == H5T_FLOAT && cls == H5T_INTEGER);
    if (points != 1 || !class_ok)
        throw PixError("DATA-016",
                       fmt::format("{} (attribute) holds {} value(s) of HDF5 class {}; expected one {}",
                                   describe(obj, name), points, static_cast<int>(cls), what));
    return attr;
}

}  // namespace

std::optional<std::string> read_string_attribute(hid_t obj, const std::string& name) {
    if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
    Handle attr = open_scalar_attribute(obj, name, H5T_STRING, false, "string");
    Handle type(H5Aget_type(attr.id()));
    const auto unreadable = [&] {
        return PixError("DATA-015", fmt::format("{} (attribute) cannot be read (truncated or damaged file)",
                                                describe(obj, name)));
    };
    if (H5Tis_variable_str(type.id()) > 0) {
        Handle mem = string_type(0);
        char* raw = nullptr;
        if (H5Aread(attr.id(), mem.id(), &raw) < 0 || !raw) throw unreadable();
        std::string out(raw);
        H5free_memory(raw);
        return out;
    }
    const std::size_t size = H5Tget_size(type.id());
    if (size == 0) throw unreadable();
    std::string buffer(size, '\0');
    Handle mem = string_type(size);
    if (H5Aread(attr.id(), mem.id(), buffer.data()) < 0) throw unreadable();
    buffer.resize(buffer.find('\0') == std::string::npos ? size : buffer.find('\0'));
    return buffer;
}

namespace {
template <typename T>
std::optional<T> read_numeric_attribute(hid_t obj, const std::string& name) {
    if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
    constexpr bool integral = std::is_integral_v<T>;
    Handle attr = open_scalar_attribute(obj, name, integral ? H5T_INTEGER : H5T_FLOAT, true,
                                        integral ? "integer" : "number");
    T value{};
    if (H5Aread(attr.id(), native_type<T>(), &value) < 0)
        throw PixError("DATA-015", fmt::format("{} (attribute) cannot be read (truncated or damaged file)",
                                               describe(obj, name)));
    return value;
}
}  // namespace

std::optional<double> read_double_attribute(hid_t obj, const std::string& name) {
    return read_numeric_attribute<double>(obj, name);
}
std::optional<std::int64_t> read_int_attribute(hid_t obj, const std::string& name) {
    return read_numeric_attribute<std::int64_t>(obj, name);
}

void write_provenance(hid_t root, const Provenance& p, const std::string& resolved_config,
                      std::uint64_t seed) {
    write_attribute(root, "pixforge_version", p.pixforge_version);
    write_attribute(root, "git_describe", p.git_describe);
    write_attribute(root, "created_utc", p.created_utc);
    write_attribute(root, "host", p.host);
    write_attribute(root, "command_line", p.command_line);
    write_attribute(root, "config", resolved_config);
    write_attribute(root, "seed", static_cast<std::int64_t>(seed));
}

AppendableDataset::AppendableDataset(hid_t parent, const std::string& name, hid_t type, std::size_t columns,
                                     std::size_t chunk_rows, const std::string& unit)
    : columns_(columns) {
    const int rank = columns ? 2 : 1;
    hsize_t dims[2] = {0, columns};
    hsize_t max_dims[2] = {H5S_UNLIMITED, columns};
    hsize_t chunk[2] = {chunk_rows, columns};
    Handle space(check(H5Screate_simple(rank, dims, max_dims), "dataspace for " + name));
    Handle props(check(H5Pcreate(H5P_DATASET_CREATE), "dataset properties"));
    check_status(H5Pset_chunk(props.id(), rank, chunk), "chunking of " + name);
    H5Pset_shuffle(props.id());
    // Level 1: 3 % larger than level 4 on ADC windows, 1.5x faster to write (pixforge bench).
    check_status(H5Pset_deflate(props.id(), 1), "compression of " + name);
    dataset_ =
        Handle(check(H5Dcreate2(parent, name.c_str(), type, space.id(), H5P_DEFAULT, props.id(), H5P_DEFAULT),
                     "create dataset " + name));
    if (!unit.empty()) write_attribute(dataset_.id(), "unit", unit);
}

void AppendableDataset::append_raw(const void* data, std::size_t rows, hid_t mem_type) {
    if (rows == 0) return;
    const int rank = columns_ ? 2 : 1;
    hsize_t new_dims[2] = {rows_ + rows, columns_};
    check_status(H5Dset_extent(dataset_.id(), new_dims), "extend dataset");
    Handle file_space(check(H5Dget_space(dataset_.id()), "file space"));
    hsize_t start[2] = {rows_, 0};
    hsize_t count[2] = {rows, columns_};
    check_status(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr),
                 "select rows");
    Handle mem_space(check(H5Screate_simple(rank, count, nullptr), "memory space"));
    check_status(H5Dwrite(dataset_.id(), mem_type, mem_space.id(), file_space.id(), H5P_DEFAULT, data),
                 "write rows");
    rows_ += rows;
}

std::vector<hsize_t> shape(hid_t parent, const std::string& name) {
    if (!exists(parent, name) || H5Oexists_by_name(parent, name.c_str(), H5P_DEFAULT) <= 0) return {};
    H5O_info_t info;
    if (H5Oget_info_by_name(parent, name.c_str(), &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET)
        return {};
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT));
    if (!ds.valid()) return {};
    Handle space(H5Dget_space(ds.id()));
    const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.id()) : -1;
    if (rank <= 0) return {};
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
    return dims;
}

namespace {

struct ArrayInfo {
    std::vector<hsize_t> dims;
    H5T_class_t element = H5T_NO_CLASS;
};

const char* class_name(H5T_class_t c) {
    switch (c) {
        case H5T_INTEGER:
            return "integers";
        case H5T_FLOAT:
            return "floats";
        case H5T_STRING:
            return "strings";
        case H5T_COMPOUND:
            return "compound records";
        default:
            return "another HDF5 type";
    }
}

const char* element_name(Element e) {
    return e == Element::Integer ? "integers" : "numbers";
}

ArrayInfo inspect_array(hid_t parent, const std::string& name) {
    H5O_info_t info;
    if (!exists(parent, name) || H5Oexists_by_name(parent, name.c_str(), H5P_DEFAULT) <= 0 ||
        H5Oget_info_by_name(parent, name.c_str(), &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET)
        throw PixError("DATA-011",
                       fmt::format("{} is missing or not an array (dataset)", describe(parent, name)));
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT));
    Handle space(ds.valid() ? H5Dget_space(ds.id()) : -1);
    Handle type(ds.valid() ? H5Dget_type(ds.id()) : -1);
    const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.id()) : -1;
    if (rank < 0 || !type.valid())
        throw PixError("DATA-015",
                       fmt::format("{} cannot be read (truncated or damaged file)", describe(parent, name)));
    ArrayInfo out;
    out.dims.resize(static_cast<std::size_t>(rank));
    if (rank > 0) H5Sget_simple_extent_dims(space.id(), out.dims.data(), nullptr);
    out.element = H5Tget_class(type.id());
    return out;
}

void check_element(hid_t parent, const std::string& name, const ArrayInfo& a, Element element) {
    const bool ok = a.element == H5T_INTEGER || (element == Element::Real && a.element == H5T_FLOAT);
    if (!ok)
        throw PixError("DATA-013", fmt::format("{} holds {}; expected {}", describe(parent, name),
                                               class_name(a.element), element_name(element)));
}

std::string dims_text(const std::vector<hsize_t>& dims) {
    return dims.empty() ? "a scalar" : fmt::format("[{}]", fmt::join(dims, " x "));
}

}  // namespace

std::vector<hsize_t> require_array(hid_t parent, const std::string& name, int rank, Element element) {
    const ArrayInfo a = inspect_array(parent, name);
    if (a.dims.size() != static_cast<std::size_t>(rank))
        throw PixError("DATA-012", fmt::format("{} is {}; expected a {}-dimensional array",
                                               describe(parent, name), dims_text(a.dims), rank));
    check_element(parent, name, a, element);
    return a.dims;
}

template <typename T>
void read_rows(hid_t parent, const std::string& name, std::size_t first, std::size_t count,
               std::vector<T>& out) {
    const ArrayInfo a = inspect_array(parent, name);
    if (a.dims.size() != 1 && a.dims.size() != 2)
        throw PixError("DATA-012", fmt::format("{} is {}; expected a table of one or two dimensions",
                                               describe(parent, name), dims_text(a.dims)));
    check_element(parent, name, a, std::is_integral_v<T> ? Element::Integer : Element::Real);
    const int rank = static_cast<int>(a.dims.size());
    const hsize_t rows = a.dims[0], columns = rank == 2 ? a.dims[1] : 1;
    // Refuse reads past the end and any that would need more than 1 GiB of memory.
    constexpr hsize_t kMaxBytes = hsize_t{1} << 30;
    if (first > rows || count > rows - first ||
        (columns != 0 && static_cast<hsize_t>(count) > kMaxBytes / sizeof(T) / columns))
        throw PixError("DATA-014", fmt::format("{} is {}; cannot read rows {} to {}", describe(parent, name),
                                               dims_text(a.dims), first, first + count));
    out.resize(count * columns);
    if (count == 0 || columns == 0) return;
    const auto unreadable = [&] {
        return PixError("DATA-015",
                        fmt::format("{} cannot be read (truncated or damaged file)", describe(parent, name)));
    };
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT));
    Handle file_space(ds.valid() ? H5Dget_space(ds.id()) : -1);
    if (!file_space.valid()) throw unreadable();
    hsize_t start[2] = {first, 0};
    hsize_t cnt[2] = {count, columns};
    if (H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, cnt, nullptr) < 0)
        throw unreadable();
    Handle mem_space(H5Screate_simple(rank, cnt, nullptr));
    if (!mem_space.valid() ||
        H5Dread(ds.id(), native_type<T>(), mem_space.id(), file_space.id(), H5P_DEFAULT, out.data()) < 0)
        throw unreadable();
}

template <typename T>
void read_vector(hid_t parent, const std::string& name, std::vector<T>& out, std::size_t max_rows) {
    const auto dims =
        require_array(parent, name, 1, std::is_integral_v<T> ? Element::Integer : Element::Real);
    if (dims[0] > max_rows)
        throw PixError("DATA-014", fmt::format("{} has {} values; expected at most {}",
                                               describe(parent, name), dims[0], max_rows));
    read_rows(parent, name, 0, static_cast<std::size_t>(dims[0]), out);
}

template <typename T>
void write_vector(hid_t parent, const std::string& name, const std::vector<T>& values,
                  const std::string& unit) {
    hsize_t dims[1] = {values.size()};
    Handle space(check(H5Screate_simple(1, dims, nullptr), "dataspace"));
    Handle ds(check(
        H5Dcreate2(parent, name.c_str(), native_type<T>(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        "create dataset " + name));
    if (!values.empty())
        check_status(H5Dwrite(ds.id(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                     "write " + name);
    if (!unit.empty()) write_attribute(ds.id(), "unit", unit);
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
    Handle type = string_type(0);
    hsize_t dims[1] = {values.size()};
    Handle space(check(H5Screate_simple(1, dims, nullptr), "dataspace"));
    Handle ds(
        check(H5Dcreate2(parent, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              "create dataset " + name));
    std::vector<const char*> ptrs;
    for (const auto& v : values) ptrs.push_back(v.c_str());
    if (!ptrs.empty())
        check_status(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write");
}

#define PIXFORGE_H5_INSTANTIATE(T)                                                                    \
    template void read_rows<T>(hid_t, const std::string&, std::size_t, std::size_t, std::vector<T>&); \
    template void read_vector<T>(hid_t, const std::string&, std::vector<T>&, std::size_t);            \
    template void write_vector<T>(hid_t, const std::string&, const std::vector<T>&, const std::string&);
PIXFORGE_H5_INSTANTIATE(std::uint8_t)
PIXFORGE_H5_INSTANTIATE(std::uint16_t)
PIXFORGE_H5_INSTANTIATE(std::int32_t)
PIXFORGE_H5_INSTANTIATE(std::int64_t)
PIXFORGE_H5_INSTANTIATE(float)
PIXFORGE_H5_INSTANTIATE(double)

}  // namespace pixforge::h5
