// A thin RAII layer over the HDF5 C API: files, groups, attributes, and chunked, compressed
// datasets that grow by appending rows, so writers stream to disk with constant memory.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/provenance.hpp"

namespace pixforge::h5 {

// Owns one hid_t and closes it with the matching H5*close.
class Handle {
  public:
    Handle() = default;
    explicit Handle(hid_t id) : id_(id) {}
    Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = -1; }
    Handle& operator=(Handle&& o) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() { close(); }

    hid_t id() const { return id_; }
    bool valid() const { return id_ >= 0; }
    void close();

  private:
    hid_t id_ = -1;
};

template <typename T>
hid_t native_type();

// Silences HDF5's own error printing for the life of the process; we report errors ourselves.
void silence_library_errors();

Handle create_file(const std::string& path);         // truncates
Handle open_file_readonly(const std::string& path);  // throws DATA-001 if not an HDF5 file
Handle create_group(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);  // invalid handle if absent
bool exists(hid_t parent, const std::string& path);

void write_attribute(hid_t obj, const std::string& name, const std::string& value);
void write_attribute(hid_t obj, const std::string& name, double value);
void write_attribute(hid_t obj, const std::string& name, std::int64_t value);
// Attribute readers: std::nullopt when absent; DATA-016 when present but not one value of the
// expected kind (an array, a string for a number, a float for an integer), DATA-015 when
// unreadable.
std::optional<std::string> read_string_attribute(hid_t obj, const std::string& name);
std::optional<double> read_double_attribute(hid_t obj, const std::string& name);
std::optional<std::int64_t> read_int_attribute(hid_t obj, const std::string& name);

// The provenance attributes every pixforge HDF5 file carries: version, git commit, time, host,
// command line, the resolved config and the seed.
void write_provenance(hid_t root, const Provenance& provenance, const std::string& resolved_config,
                      std::uint64_t seed);

// A dataset of shape [rows x columns] (columns = 0: one-dimensional) that grows by appending rows.
class AppendableDataset {
  public:
    AppendableDataset() = default;
    AppendableDataset(hid_t parent, const std::string& name, hid_t type, std::size_t columns,
                      std::size_t chunk_rows, const std::string& unit);

    template <typename T>
    void append(const std::vector<T>& values) {
        append_raw(values.data(), values.size() / (columns_ ? columns_ : 1), native_type<T>());
    }
    std::size_t rows() const { return rows_; }
    hid_t id() const { return dataset_.id(); }

  private:
    void append_raw(const void* data, std::size_t rows, hid_t mem_type);

    Handle dataset_;
    std::size_t columns_ = 0;
    std::size_t rows_ = 0;
};

// Shape of a dataset: {rows} or {rows, columns} (any rank as stored). Empty if absent.
std::vector<hsize_t> shape(hid_t parent, const std::string& name);

// What a reader expects an array to hold. Real accepts stored integers too; Integer refuses
// floats, which would be truncated silently.
enum class Element { Integer, Real };

// Checks that `name` is an array of `rank` dimensions holding `element`s before anything is
// read, and returns its dimensions. Throws DATA-011 (missing or not an array), DATA-012 (rank),
// DATA-013 (element type), each naming the file and the array.
std::vector<hsize_t> require_array(hid_t parent, const std::string& name, int rank, Element element);

// Reads rows [first, first + count) of a rank-1 or rank-2 dataset into `out` (converted to T by
// HDF5), after checking rank, element type (DATA-011..013) and the row range (DATA-014).
template <typename T>
void read_rows(hid_t parent, const std::string& name, std::size_t first, std::size_t count,
               std::vector<T>& out);

// Reads a whole one-dimensional dataset of at most `max_rows` rows (same checks).
template <typename T>
void read_vector(hid_t parent, const std::string& name, std::vector<T>& out, std::size_t max_rows);

// "file.h5: 'group/name'" for messages.
std::string describe(hid_t obj, const std::string& name);

// Writes a small, complete one-dimensional dataset (summaries, tables of results).
template <typename T>
void write_vector(hid_t parent, const std::string& name, const std::vector<T>& values,
                  const std::string& unit);
void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values);

}  // namespace pixforge::h5
