using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace HybridLogging.Sinks.Kinesis.Internal.Records;

/// <summary>
/// Turns a batch of JSON lines into Kinesis records: one entry per record, or (with aggregation) the entries of one
/// partition key packed as newline-delimited JSON, optionally gzip-compressed, each record within the maximum record
/// size counting its partition key. Entries that cannot fit alone are failed on the batch with the reason
/// <see cref="TooLargeReason"/>.
/// </summary>
/// <remarks>Reused for every batch of one sink (calls never overlap); what it returns is valid until the next call.</remarks>
internal sealed class RecordPacker
{
    /// <summary>Failure reason of an entry larger than the maximum record size, even alone (and compressed, with gzip).</summary>
    public const string TooLargeReason = "tooLarge";

    // Past this the buffer is dropped after a batch instead of being kept for the next (an exceptional burst).
    private const int KeptBufferBytes = 16 * 1024 * 1024;

    private readonly PartitionKeys _keys;
    private readonly int _maxRecordBytes;
    private readonly bool _aggregate;
    private readonly bool _gzip;
    private readonly List<PackedRecord> _records = [];
    private readonly List<int> _members = [];
    private readonly List<Group> _groups = [];
    private readonly Dictionary<string, int> _openGroups = new(StringComparer.Ordinal);
    private ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private int _randomGroup = -1;

    public RecordPacker(KinesisSinkOptions options)
    {
        _keys = new PartitionKeys(options.PartitionKey, options.PartitionKeyProperty);
        _maxRecordBytes = options.MaxRecordBytes;
        _aggregate = options.AggregateEntries;
        _gzip = options.Compression == KinesisCompression.Gzip;
    }

    /// <summary>The records of the last <see cref="Pack"/> call, in the order of their first entry.</summary>
    public IReadOnlyList<PackedRecord> Records => _records;

    /// <summary>The batch indices of the entries in a record.</summary>
    public ReadOnlySpan<int> MembersOf(in PackedRecord record) =>
        CollectionsMarshal.AsSpan(_members).Slice(record.MemberStart, record.MemberCount);

    /// <summary>Builds the records of a batch; marks the entries that cannot be sent as failed. Returns how many failed.</summary>
    public int Pack(LogRecordBatch batch)
    {
        Reset();
        var failed = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.GetOutcome(i) != LogRecordOutcome.Written)
            {
                continue;
            }

            var record = batch[i];
            var key = _keys.KeyOf(record);
            var keyBytes = key is null ? 32 : Encoding.UTF8.GetByteCount(key);
            var fitsUncompressed = record.Bytes.Length + keyBytes <= _maxRecordBytes;
            if (!fitsUncompressed && !_gzip)
            {
                batch.Fail(i, TooLargeReason);
                failed++;
                continue;
            }

            if (!_aggregate || !fitsUncompressed)
            {
                // Alone: without aggregation, or too large to share a record (gzip may still make it fit).
                var index = i;
                failed += Emit(batch, key ?? PartitionKeys.RandomKey(), new ReadOnlySpan<int>(in index));
                continue;
            }

            AddToGroup(key, i, record.Bytes.Length);
        }

        // Aggregates are emitted after every entry found its group, in the order the groups were opened.
        foreach (var group in _groups)
        {
            failed += Emit(batch, group.Key, CollectionsMarshal.AsSpan(group.Members));
        }

        return failed;
    }

    private void AddToGroup(string? key, int index, int length)
    {
        var slot = key is null ? _randomGroup : _openGroups.GetValueOrDefault(key, -1);
        if (slot >= 0)
        {
            var group = _groups[slot];
            if (group.Bytes + length + group.KeyBytes <= _maxRecordBytes)
            {
                group.Add(index, length);
                return;
            }
        }

        // A new record for this key (the first, or the previous one is full); a random-key group draws a fresh key.
        _groups.Add(new Group(key ?? PartitionKeys.RandomKey(), index, length));
        if (key is null)
        {
            _randomGroup = _groups.Count - 1;
        }
        else
        {
            _openGroups[key] = _groups.Count - 1;
        }
    }

    /// <summary>Writes the record of some entries with one key; splits it when gzip did not shrink it enough.</summary>
    private int Emit(LogRecordBatch batch, string key, ReadOnlySpan<int> members)
    {
        var count = members.Length;
        var keyBytes = Encoding.UTF8.GetByteCount(key);
        ReadOnlyMemory<byte> data;
        if (!_gzip && count == 1)
        {
            // The common case: the entry's own bytes, no copy.
            data = batch[members[0]].Bytes;
        }
        else
        {
            var offset = _buffer.WrittenCount;
            if (_gzip)
            {
                using var stream = new BufferWriterStream(_buffer);
                using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
                {
                    foreach (var member in members)
                    {
                        gzip.Write(batch[member].Bytes.Span);
                    }
                }
            }
            else
            {
                foreach (var member in members)
                {
                    _buffer.Write(batch[member].Bytes.Span);
                }
            }

            data = _buffer.WrittenMemory[offset..];
            if (data.Length + keyBytes > _maxRecordBytes)
            {
                // Only with gzip (groups are packed by uncompressed size): data that does not compress.
                _buffer.ResetWrittenCount();
                _buffer.Advance(offset);
                if (count == 1)
                {
                    batch.Fail(members[0], TooLargeReason);
                    return 1;
                }

                var half = count / 2;
                return Emit(batch, key, members[..half]) + Emit(batch, key, members[half..]);
            }
        }

        var memberStart = _members.Count;
        _members.AddRange(members);

        _records.Add(new PackedRecord(data, key, data.Length + keyBytes, memberStart, count));
        return 0;
    }

    private void Reset()
    {
        _records.Clear();
        _members.Clear();
        _groups.Clear();
        _openGroups.Clear();
        _randomGroup = -1;
        if (_buffer.Capacity > KeptBufferBytes)
        {
            _buffer = new ArrayBufferWriter<byte>(64 * 1024);
        }
        else
        {
            _buffer.ResetWrittenCount();
        }
    }

    private sealed class Group
    {
        public Group(string key, int index, int length)
        {
            Key = key;
            KeyBytes = Encoding.UTF8.GetByteCount(key);
            Add(index, length);
        }

        public string Key { get; }

        public int KeyBytes { get; }

        public List<int> Members { get; } = new(1);

        public int Bytes { get; private set; }

        public void Add(int index, int length)
        {
            Members.Add(index);
            Bytes += length;
        }
    }
}

/// <summary>One Kinesis record: its data, partition key, size as the service counts it, and its entries.</summary>
/// <param name="Data">The data: JSON lines, gzip-compressed when configured.</param>
/// <param name="PartitionKey">The partition key.</param>
/// <param name="Size">Data bytes plus the UTF-8 bytes of the partition key.</param>
/// <param name="MemberStart">Where the record's entries start in <see cref="RecordPacker.MembersOf"/>.</param>
/// <param name="MemberCount">How many entries the record holds.</param>
internal readonly record struct PackedRecord(ReadOnlyMemory<byte> Data, string PartitionKey, int Size, int MemberStart, int MemberCount);
