% Runs generated Octave functions on given arguments.
% octave --no-gui --quiet --eval "run_octave('MANIFEST.json', 'RESULTS.json')" with the generated
% files' folder on the path. Results: {"ok": true, "outputs": [...]} or {"ok": false, "error": "..."}.
function run_octave(manifest, results_file)
  cases = jsondecode(fileread(manifest));
  results = cell(1, numel(cases));
  for i = 1:numel(cases)
    c = cases(i);
    if iscell(cases), c = cases{i}; end
    try
      args = struct2cell(c.args);
      args = cellfun(@to_matrix, args, 'UniformOutput', false);
      n = nargout(c.fn);
      outs = cell(1, n);
      [outs{:}] = feval(c.fn, args{:});
      results{i} = struct('ok', true, 'outputs', {outs});
    catch err
      results{i} = struct('ok', false, 'error', err.message);
    end
  end
  fid = fopen(results_file, 'w');
  fprintf(fid, '%s', jsonencode(results));
  fclose(fid);
end

function m = to_matrix(a)
  % JSON arrays of rows come as matrices, cell arrays (ragged) or vectors
  if iscell(a)
    m = cell2mat(cellfun(@(r) r(:).', a, 'UniformOutput', false));
  else
    m = a;
  end
end
