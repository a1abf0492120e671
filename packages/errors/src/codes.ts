/**
 * The one error vocabulary of the platform. Codes are stable API: clients branch on them.
 * Messages are Vietnamese by default (the people who read them are teachers, principals and
 * parents); the English text is for operators and logs.
 */
export const ERROR_CATALOGUE = {
  UNAUTHENTICATED: {
    vi: 'Bạn chưa đăng nhập hoặc phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',
    en: 'Not signed in, or the session has expired.',
  },
  FORBIDDEN: {
    vi: 'Bạn không có quyền thực hiện thao tác này hoặc xem dữ liệu này.',
    en: 'The caller may not perform this action or see this data.',
  },
  NOT_FOUND: { vi: 'Không tìm thấy dữ liệu được yêu cầu.', en: 'Not found.' },
  VALIDATION_FAILED: {
    vi: 'Dữ liệu nhập chưa hợp lệ. Vui lòng kiểm tra lại các trường được đánh dấu.',
    en: 'The input is not valid.',
  },
  CONFLICT: { vi: 'Dữ liệu đã tồn tại hoặc vừa bị người khác thay đổi.', en: 'Conflicting change.' },
  INVALID_CREDENTIALS: {
    vi: 'Tên đăng nhập hoặc mật khẩu không đúng.',
    en: 'Wrong username or password.',
  },
  ACCOUNT_LOCKED: {
    vi: 'Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau.',
    en: 'The account is temporarily locked after repeated failed logins.',
  },
  ACCOUNT_DISABLED: {
    vi: 'Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên của trường.',
    en: 'The account is disabled.',
  },
  REFRESH_TOKEN_INVALID: {
    vi: 'Phiên đăng nhập không còn hiệu lực. Vui lòng đăng nhập lại.',
    en: 'The refresh token is invalid, expired, or was already used.',
  },
  WEAK_PASSWORD: {
    vi: 'Mật khẩu quá yếu: cần ít nhất 10 ký tự, gồm chữ và số.',
    en: 'The password is too weak.',
  },
  QUERY_TOO_COMPLEX: {
    vi: 'Truy vấn quá lớn hoặc quá phức tạp.',
    en: 'The operation exceeds the depth, alias or size limits.',
  },
  BAD_REQUEST: { vi: 'Yêu cầu không hợp lệ.', en: 'Bad request.' },
  SERVICE_UNAVAILABLE: {
    vi: 'Hệ thống đang bận hoặc tạm thời gián đoạn. Vui lòng thử lại sau ít phút.',
    en: 'A service is unavailable.',
  },
  INTERNAL: {
    vi: 'Đã có lỗi hệ thống. Vui lòng thử lại; nếu lỗi lặp lại, hãy báo cho quản trị viên kèm mã yêu cầu.',
    en: 'Internal error.',
  },
  INVALID_SCORE: {
    vi: 'Điểm không hợp lệ: điểm phải từ 0 đến 10 và có nhiều nhất một chữ số sau dấu phẩy (ví dụ 7 hoặc 7,5).',
    en: 'Invalid score: a score is 0 to 10 with at most one decimal.',
  },
  INVALID_ASSESSMENT_COUNT: {
    vi: 'Số lần kiểm tra, đánh giá không đúng với quy định của Thông tư 22/2021/TT-BGDĐT.',
    en: 'The number of assessments does not match the rules (TT22/2021).',
  },
  DUPLICATE_PERSONAL_ID: {
    vi: 'Học sinh có mã định danh cá nhân này đã có hồ sơ trên hệ thống. Mỗi học sinh chỉ có một hồ sơ (học bạ) duy nhất: nếu học sinh chuyển đến từ trường khác, hãy dùng chức năng tiếp nhận học sinh chuyển đến thay vì tạo hồ sơ mới.',
    en: 'A student with this personal identification number already has a record; use a transfer-in instead of creating a second record.',
  },
  INVALID_PERSONAL_ID: {
    vi: 'Mã định danh cá nhân không hợp lệ: cần đủ 12 chữ số, đúng mã tỉnh nơi đăng ký khai sinh và khớp với giới tính, năm sinh.',
    en: 'Invalid personal identification number: 12 digits with a known province code, matching gender and year of birth.',
  },
  // Academics (gradebooks, summer re-assessment, exemptions).
  STUDENT_NOT_IN_CLASS: {
    vi: 'Học sinh không thuộc lớp này trong năm học đã chọn.',
    en: 'The student is not (and was not) in this class in that school year.',
  },
  DUPLICATE_STUDENT_ROW: {
    vi: 'Học sinh xuất hiện nhiều lần trong bảng điểm: mỗi học sinh chỉ có một dòng.',
    en: 'The student appears on more than one row of the gradebook.',
  },
  ASSESSMENT_KIND_MISMATCH: {
    vi: 'Hình thức đánh giá không đúng với môn học: môn đánh giá bằng nhận xét chỉ nhận Đạt/Chưa đạt, môn đánh giá bằng điểm chỉ nhận điểm số.',
    en: 'The assessment does not match how the subject is assessed (score or comment).',
  },
  INVALID_ASSESSMENT_RESULT: {
    vi: 'Kết quả đánh giá không hợp lệ: chỉ có Đạt (Đ) hoặc Chưa đạt (CĐ).',
    en: 'Invalid comment-subject assessment: only DAT or CHUA_DAT.',
  },
  INVALID_WORKBOOK: {
    vi: 'Tệp Excel không đọc được hoặc không đúng mẫu sổ điểm (cần các cột STT, Mã học sinh, Họ và tên, TX, GK, CK).',
    en: 'The Excel file cannot be read or does not follow the gradebook layout.',
  },
  NOT_DUE_FOR_REASSESSMENT: {
    vi: 'Học sinh không thuộc diện kiểm tra lại môn học này trong kì nghỉ hè.',
    en: 'The student is not due for a summer re-assessment in this subject.',
  },
  EXEMPTION_NOT_ALLOWED: {
    vi: 'Chỉ được miễn phần thực hành của môn Giáo dục thể chất hoặc Giáo dục quốc phòng và an ninh.',
    en: 'Only the practical part of physical education or defence education can be exempted.',
  },
  RECORD_LOCKED: {
    vi: 'Dữ liệu này đã được ký duyệt và khóa. Muốn sửa, hãy lập đề nghị chỉnh sửa để Hiệu trưởng phê duyệt.',
    en: 'This record is signed and locked; file a correction request to change it.',
  },
  SUBJECT_INCOMPLETE: {
    vi: 'Môn học chưa nhập đủ điểm/nhận xét cho mọi học sinh của lớp, chưa thể ký.',
    en: 'The subject is not complete for every student of the class; it cannot be signed yet.',
  },
  CONDUCT_INCOMPLETE: {
    vi: 'Lớp chưa đánh giá đủ rèn luyện, kết quả cả năm của mọi học sinh, chưa thể ký.',
    en: 'Conduct or year outcomes are not complete for every student of the class.',
  },
  SIGNING_ORDER: {
    vi: 'Chưa đến lượt ký: các bước ký trước chưa hoàn thành.',
    en: 'An earlier signature of the approval chain is missing.',
  },
  NOT_APPROVER: {
    vi: 'Bạn không được phân công phê duyệt học bạ của khối lớp này.',
    en: 'You are not the approver assigned to this grade.',
  },
  CERTIFICATE_MISSING: {
    vi: 'Chưa đăng ký chứng thư số còn hiệu lực cho người ký.',
    en: 'The signer has no registered, valid certificate.',
  },
  CERTIFICATE_INVALID: {
    vi: 'Chứng thư số không hợp lệ hoặc không do tổ chức chứng thực đã đăng ký cấp.',
    en: 'The certificate is invalid or not issued by a registered certificate authority.',
  },
  SIGNATURE_INVALID: {
    vi: 'Chữ ký số không hợp lệ: nội dung đã bị thay đổi sau khi ký hoặc chứng thư không hợp lệ.',
    en: 'The signature does not verify.',
  },
  SIGNING_PENDING: {
    vi: 'Đang chờ các hệ thống quản lý dữ liệu xác nhận khóa dữ liệu; chữ ký sẽ hoàn tất sau ít giây.',
    en: 'Waiting for the data owners to confirm the lock; the signature completes shortly.',
  },
  CORRECTION_STATE: {
    vi: 'Đề nghị chỉnh sửa không ở trạng thái cho phép thao tác này.',
    en: 'The correction request is not in a state that allows this action.',
  },
  AUDIT_CHAIN_BROKEN: {
    vi: 'Nhật ký kiểm tra đã bị thay đổi hoặc mất bản ghi.',
    en: 'The audit trail has been altered or has missing entries.',
  },
  // Transfers between schools (issue 5, R1, R6).
  TRANSFER_INVALID: {
    vi: 'Hồ sơ chuyển trường không hợp lệ: chữ ký số, con dấu hoặc nội dung học bạ không kiểm tra được.',
    en: 'The transfer package failed verification: a signature, the seal or the record book content does not verify.',
  },
  // Backups (issue 5, R7).
  BACKUP_INVALID: {
    vi: 'Bản sao lưu không dùng được: thiếu tệp, tệp đã bị sửa (mã băm không khớp) hoặc định dạng không được hỗ trợ.',
    en: 'The backup is unusable: a file is missing or altered (hash mismatch), or its format is unsupported.',
  },
  RESTORE_TARGET_NOT_EMPTY: {
    vi: 'Cơ sở dữ liệu đích đã có dữ liệu: chỉ khôi phục vào cơ sở dữ liệu trống, để không ghi đè dữ liệu đang có.',
    en: 'A target database already holds data; a backup is restored only into empty databases.',
  },
  CONSUMER_GROUP_ACTIVE: {
    vi: 'Nhóm đọc Kafka vẫn có dịch vụ đang chạy: hãy dừng các dịch vụ trước khi đặt lại vị trí đọc.',
    en: 'A Kafka consumer group still has active members; stop the services before setting its offsets.',
  },
  // Security and privacy (issue 6, R9, R11).
  RATE_LIMITED: {
    vi: 'Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng đợi một lát rồi thử lại.',
    en: 'Too many requests from this account or address; retry after the indicated delay.',
  },
  BATCH_TOO_LARGE: {
    vi: 'Một yêu cầu chứa quá nhiều thao tác. Vui lòng gửi ít thao tác hơn trong mỗi yêu cầu.',
    en: 'The request batches more operations than allowed.',
  },
  QUERY_TOO_COSTLY: {
    vi: 'Truy vấn đòi hỏi đọc quá nhiều dữ liệu một lúc. Vui lòng thu hẹp phạm vi (ít lớp, ít học sinh hơn).',
    en: 'The estimated cost of the operation exceeds the limit.',
  },
  PERSISTED_QUERY_NOT_ALLOWED: {
    vi: 'Ứng dụng đang dùng một truy vấn chưa được đăng ký với hệ thống. Vui lòng cập nhật ứng dụng.',
    en: 'Only registered (persisted) operations are accepted here.',
  },
  REQUEST_TIMEOUT: {
    vi: 'Yêu cầu mất quá nhiều thời gian và đã bị dừng. Vui lòng thử lại với phạm vi nhỏ hơn.',
    en: 'The request exceeded the time limit.',
  },
  FAMILY_LINK_REQUIRED: {
    vi: 'Quyền của cha mẹ hoặc học sinh chỉ được cấp qua mã liên kết do nhà trường phát và đã được xác minh.',
    en: 'Parent and student roles are granted only through a verified family link.',
  },
  FAMILY_LINK_INVALID: {
    vi: 'Mã liên kết không đúng, đã hết hạn hoặc đã được sử dụng. Vui lòng liên hệ giáo viên chủ nhiệm để nhận mã mới.',
    en: 'The family link code is wrong, expired or already used.',
  },
  CONSENT_REQUIRED: {
    vi: 'Chưa đủ sự đồng ý: học bạ chỉ được chia sẻ cho bên thứ ba khi cả học sinh và cha mẹ (hoặc người giám hộ) đã đồng ý.',
    en: 'Sharing with a third party needs the recorded consent of the student and of a parent.',
  },
  SHARE_INVALID: {
    vi: 'Mã chia sẻ học bạ không đúng, đã hết hạn hoặc đã bị thu hồi.',
    en: 'The record share code is wrong, expired or revoked.',
  },
} as const satisfies Record<string, { vi: string; en: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in ERROR_CATALOGUE;
}
